import { ValidationError } from '../errors/index.ts';

/** DynamoDB's LastEvaluatedKey as an opaque cursor for APIs. */
export const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The key behind a cursor; a cursor we did not hand out is a ValidationError naming `cursor`. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('cursor', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
}
