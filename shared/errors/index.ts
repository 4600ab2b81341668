export { ShelfwatchError } from './shelfwatch-error.ts';
export { type FieldIssue, ValidationError } from './validation-error.ts';
