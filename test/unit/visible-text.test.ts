import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { invisibleTextIssue } from '../../shared/definitions/index.ts';

const REFUSED = [
  ...Array.from({ length: 0x20 }, (_, n) => n),
  ...Array.from({ length: 0x21 }, (_, n) => 0x7f + n),
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
];
const isRefused = (codePoint: number) =>
  REFUSED.includes(codePoint) || (codePoint >= 0xd800 && codePoint <= 0xdfff);
const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Well-formed text of any script, emoji and combining marks, without a refused character. */
const visible = fc
  .string({
    unit: fc
      .integer({ min: 0, max: 0x10ffff })
      .filter((codePoint) => !isRefused(codePoint))
      .map((codePoint) => String.fromCodePoint(codePoint)),
    maxLength: 40,
  })
  .map((text) => `${text}\u0301👩‍💻`);

describe('visible text', () => {
  it('accepts any well-formed text without controls, separators or bidi controls', () => {
    fc.assert(
      fc.property(visible, (text) => invisibleTextIssue(text) === undefined),
      { numRuns: 2000 },
    );
  });

  it('names the first refused character and where it is', () => {
    fc.assert(
      fc.property(visible, fc.constantFrom(...REFUSED, 0xd800, 0xdbff, 0xdc00, 0xdfff), (text, codePoint) => {
        const issue = invisibleTextIssue(`${text}${String.fromCharCode(codePoint)}x`);
        assert.ok(issue?.includes(hex(codePoint)), `${hex(codePoint)}: ${issue}`);
        assert.ok(issue?.includes(`at character ${[...text].length + 1}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps real keywords: Cyrillic, CJK, Arabic, emoji with joiners and skin tones, combining marks', () => {
    for (const keyword of ['ноутбук', '笔记本电脑', 'حاسوب', '👩🏽‍💻 чехол', 'cafe\u0301', '🇰🇿']) {
      assert.equal(invisibleTextIssue(keyword), undefined, keyword);
    }
  });
});
