export { ConflictError } from './conflict-error.ts';
export { ForbiddenError } from './forbidden-error.ts';
export { NotFoundError } from './not-found-error.ts';
export { ERROR_KINDS, type ErrorKind, ShelfwatchError } from './shelfwatch-error.ts';
export { UnauthorizedError } from './unauthorized-error.ts';
export { UnavailableError } from './unavailable-error.ts';
export { type FieldIssue, ValidationError } from './validation-error.ts';
