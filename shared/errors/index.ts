export { ShelfwatchError } from './shelfwatch-error.ts';
export { type FieldIssue, ValidationError } from './validation-error.ts';
export { ConflictError } from './conflict-error.ts';
export { NotFoundError } from './not-found-error.ts';
