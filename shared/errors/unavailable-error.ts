import { ShelfwatchError } from './shelfwatch-error.ts';

/** A dependency (SQS, DynamoDB...) refused or failed for now; the same request may succeed later. */
export class UnavailableError extends ShelfwatchError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super('unavailable', code, message, options);
  }
}
