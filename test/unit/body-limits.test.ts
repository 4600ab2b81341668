import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bodyShapeIssue, MAX_BODY_DEPTH, MAX_OBJECT_KEYS } from '../../shared/api/body-limits.ts';

/** Depth and widest object of a parsed value, by walking it (the reference the scanner must agree with). */
function measure(value: unknown): { depth: number; keys: number } {
  if (value === null || typeof value !== 'object') return { depth: 0, keys: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  const own = Array.isArray(value) ? 0 : children.length;
  return children
    .map(measure)
    .reduce(
      (acc, child) => ({ depth: Math.max(acc.depth, child.depth + 1), keys: Math.max(acc.keys, child.keys) }),
      { depth: 1, keys: own },
    );
}

const tricky = fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', '",{"', '[[[[', '\u0000', '😀');
const text = fc
  .array(fc.oneof(tricky, fc.string({ maxLength: 4 })), { maxLength: 6 })
  .map((parts) => parts.join(''));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(text, fc.integer(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('body shape limits, read from the raw text', () => {
  it('agree with a walk of the parsed value, whatever the strings hold', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 20 }), (value, extra) => {
        const wrapped = JSON.parse(
          `${'['.repeat(extra)}${JSON.stringify(value)}${']'.repeat(extra)}`,
        ) as unknown;
        const { depth, keys } = measure(wrapped);
        const issue = bodyShapeIssue(JSON.stringify(wrapped));
        assert.equal(issue !== undefined, depth > MAX_BODY_DEPTH || keys > MAX_OBJECT_KEYS);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the top-level field and shows where the nesting went too deep', () => {
    assert.equal(bodyShapeIssue(nested(MAX_BODY_DEPTH)), undefined);
    assert.equal(bodyShapeIssue(nested(MAX_BODY_DEPTH + 1))?.field, '0');
    const issue = bodyShapeIssue(`{"a":1,"progress":{"x":${nested(100_000)}}}`);
    assert.equal(issue?.field, 'progress');
    assert.match(issue?.message ?? '', /deeper than 16 levels \(at progress\.x\.0\.0\.0\.0…\)/);
    assert.equal(bodyShapeIssue(`{"a\\"[{":${nested(3)}}`), undefined, 'brackets inside a key are text');
  });

  it('counts keys per object, and names the object that has too many', () => {
    const keys = (count: number) => `{${Array.from({ length: count }, (_, n) => `"k${n}":0`).join(',')}}`;
    assert.equal(bodyShapeIssue(`{"result":${keys(MAX_OBJECT_KEYS)}}`), undefined);
    assert.equal(bodyShapeIssue(`{"result":${keys(MAX_OBJECT_KEYS + 1)}}`)?.field, 'result');
    assert.equal(bodyShapeIssue(keys(100_000))?.field, '(body)');
    assert.equal(
      bodyShapeIssue(`[${Array.from({ length: 5000 }, () => '0').join(',')}]`),
      undefined,
      'arrays are bounded by size only',
    );
  });
});
