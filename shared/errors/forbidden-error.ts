import { ShelfwatchError } from './shelfwatch-error.ts';

/** The token is valid but its scope does not cover the route. */
export class ForbiddenError extends ShelfwatchError {
  constructor(message: string) {
    super('forbidden', 'FORBIDDEN', message);
  }
}
