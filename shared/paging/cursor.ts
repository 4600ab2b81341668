import { ValidationError } from '../errors/index.ts';

/** DynamoDB's LastEvaluatedKey as an opaque cursor for APIs. */
export const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const badCursor = () =>
  new ValidationError('cursor', [{ field: 'cursor', message: 'is not a cursor this listing returned' }]);

/**
 * The key behind a cursor. It must hold exactly `keyAttributes` (the table's and the index's
 * key attributes), each a string or number; anything else is a ValidationError naming `cursor`.
 */
export function decodeCursor(cursor: string, keyAttributes: readonly string[]): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw badCursor();
  const entries = Object.entries(key);
  const expected = [...new Set(keyAttributes)].sort();
  if (
    entries.length !== expected.length ||
    entries.some(
      ([name, value]) =>
        !expected.includes(name) || !['string', 'number'].includes(typeof value) || value === '',
    )
  ) {
    throw badCursor();
  }
  return key as Record<string, unknown>;
}

/** A page size: a whole number from 1 to `max`; `fallback` when absent. */
export function pageLimit(limit: number | undefined, fallback: number, max = 1000): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError('listing', [
      { field: 'limit', message: `must be a whole number from 1 to ${max}` },
    ]);
  }
  return limit;
}
