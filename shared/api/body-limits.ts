/**
 * Limits every request body meets before it is parsed: its size (checked by the transport, from
 * Content-Length or while reading), then its shape, read from the raw text in one pass, without
 * recursion, so no nesting can overflow a stack (zod's z.json() did at ~3,000 levels) and nothing
 * deeper than DynamoDB's 32 nested levels can reach a store.
 *
 *   size  > MAX_BODY_BYTES          → 413, field (body)
 *   depth > MAX_BODY_DEPTH          → 400, the top-level field that holds it (or (body))
 *   keys  > MAX_OBJECT_KEYS (one object) → 400, that object's path
 */
import type { FieldIssue } from '../errors/index.ts';
import type { ErrorBody } from './errors.ts';

/** Largest body accepted (seed 004 ingest batches of 100 products fit many times over). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects; the body itself is level 1. Stored documents gain a few levels (DynamoDB allows 32). */
export const MAX_BODY_DEPTH = 16;
/** Most keys in one object of a body. */
export const MAX_OBJECT_KEYS = 1000;

/** The 413 answer, the same from every transport (Hono's body limit, the local server's reader). */
export const payloadTooLargeBody = (): ErrorBody => ({
  error: {
    code: 'PAYLOAD_TOO_LARGE',
    message: `the body is over ${MAX_BODY_BYTES} bytes: send fewer rows per request`,
    issues: [{ field: '(body)', message: `must be at most ${MAX_BODY_BYTES} bytes` }],
  },
});

interface Level {
  readonly kind: 'object' | 'array';
  /** Keys seen (object) or index of the current element (array). */
  count: number;
  expectsKey: boolean;
  key: string;
}

const segmentOf = (level: Level) => (level.kind === 'object' ? level.key : String(level.count));

/** The issue for the value at `path`: its top-level field is named, the path shown in the message. */
function issueAt(path: readonly string[], message: string): FieldIssue {
  const shown = path.length > 6 ? `${path.slice(0, 6).join('.')}…` : path.join('.');
  return { field: path[0] ?? '(body)', message: path.length > 0 ? `${message} (at ${shown})` : message };
}

/**
 * The first place where `text` nests deeper than MAX_BODY_DEPTH or an object holds more than
 * MAX_OBJECT_KEYS keys, as an issue naming the field; undefined when within both. The text need
 * not be valid JSON (JSON.parse decides that afterwards).
 */
export function bodyShapeIssue(text: string): FieldIssue | undefined {
  const stack: Level[] = [];
  let inString = false;
  let escaped = false;
  let keyStart = -1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') {
        inString = false;
        if (keyStart >= 0) {
          const top = stack.at(-1) as Level;
          try {
            top.key = JSON.parse(text.slice(keyStart, index + 1)) as string;
          } catch {
            top.key = text.slice(keyStart + 1, index);
          }
          keyStart = -1;
        }
      }
      continue;
    }
    const top = stack.at(-1);
    if (char === '"') {
      inString = true;
      if (top?.kind === 'object' && top.expectsKey) {
        top.expectsKey = false;
        top.count += 1;
        if (top.count > MAX_OBJECT_KEYS) {
          return issueAt(
            stack.slice(0, -1).map(segmentOf),
            `has more than ${MAX_OBJECT_KEYS} keys in one object`,
          );
        }
        keyStart = index;
      }
    } else if (char === '{' || char === '[') {
      if (stack.length === MAX_BODY_DEPTH) {
        return issueAt(stack.map(segmentOf), `nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`);
      }
      stack.push({ kind: char === '{' ? 'object' : 'array', count: 0, expectsKey: char === '{', key: '' });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top) {
      if (top.kind === 'object') top.expectsKey = true;
      else top.count += 1;
    }
  }
  return undefined;
}
