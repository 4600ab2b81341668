import { ShelfwatchError } from './shelfwatch-error.ts';

/** The token is missing, malformed, unknown or revoked. */
export class UnauthorizedError extends ShelfwatchError {
  constructor(message: string) {
    super('unauthorized', 'UNAUTHENTICATED', message);
  }
}
