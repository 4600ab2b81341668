import { ShelfwatchError } from './shelfwatch-error.ts';

/** Something named in the request does not exist (a DLQ message, a token...). */
export class NotFoundError extends ShelfwatchError {
  constructor(code: string, message: string) {
    super('not-found', code, message);
  }
}
