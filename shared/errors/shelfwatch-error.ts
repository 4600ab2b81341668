/**
 * Base of every error Shelfwatch raises on purpose. `code` is stable (APIs and logs use it);
 * the message says what was wrong and, where it can, what to do.
 */
export class ShelfwatchError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
