/**
 * Schemas shared by several routes: identifiers, page size and cursor, times. Query values arrive
 * as strings, so numbers and booleans are parsed from their exact text (no `1e2`, no ` 7`).
 */
import { z } from 'zod';
import { DEFINITION_ID_PATTERN, PRIORITIES } from '../definitions/index.ts';
import { MAX_CURSOR_CHARS } from '../paging/index.ts';
import { RUN_STATUSES } from '../runs/index.ts';
import { TOKEN_ID_PATTERN } from '../tokens/index.ts';

export const definitionIdSchema = z
  .string()
  .regex(DEFINITION_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-", starting alphanumeric');

export const tokenIdSchema = z.string().regex(TOKEN_ID_PATTERN, 'must be a token id: 16 hexadecimal digits');

export const prioritySchema = z.enum(PRIORITIES);
export const runStatusSchema = z.enum(RUN_STATUSES);

export const isoTimeSchema = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with offset, e.g. 2026-11-23T19:00:00Z',
});

/** A whole number in a query string, from `min` to `max`. */
export const integerParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const booleanParam = z.enum(['true', 'false']).transform((text) => text === 'true');

/** A cursor a paged listing handed out (opaque; opened and checked in route.ts). */
export const cursorParam = z
  .string()
  .min(1, 'is empty: omit `cursor` for the first page of a listing')
  .max(MAX_CURSOR_CHARS, `is longer than any cursor a listing hands out (${MAX_CURSOR_CHARS} characters)`);

/** `limit` and `cursor` of a paged listing. */
export const pageQuery = (maxLimit: number) => ({
  limit: integerParam(1, maxLimit).optional(),
  cursor: cursorParam.optional(),
});
