/**
 * Text that names something — a target (ASIN, keyword, category id, URL), a token's name — is
 * one line of visible text. Refused, because no such value can hold them and each can hide what
 * a reader sees (a right-to-left override reverses what follows; the URL parser silently drops
 * tabs and line feeds):
 *
 *   C0 and C1 controls and DEL (NUL, tab, line feed, escape…), U+2028/U+2029 line and paragraph
 *   separators, bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 *   and lone surrogates (half of a UTF-16 pair: not a character at all).
 *
 * Everything else is kept: any script, emoji sequences (with ZWJ), combining marks, RTL text.
 */
import type { z } from 'zod';

const isRefused = (codePoint: number): boolean =>
  codePoint <= 0x1f ||
  (codePoint >= 0x7f && codePoint <= 0x9f) ||
  codePoint === 0x2028 ||
  codePoint === 0x2029 ||
  (codePoint >= 0x202a && codePoint <= 0x202e) ||
  (codePoint >= 0x2066 && codePoint <= 0x2069) ||
  (codePoint >= 0xd800 && codePoint <= 0xdfff);

const codePointName = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

function kindOf(codePoint: number): string {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'a lone surrogate';
  if (codePoint === 0x2028 || codePoint === 0x2029) return 'a line or paragraph separator';
  if (codePoint >= 0x202a) return 'a bidirectional override or isolate';
  return 'a control character';
}

/** Why `text` is not one line of visible text (naming the first bad character), or undefined. */
export function invisibleTextIssue(text: string): string | undefined {
  let position = 0;
  for (const character of text) {
    position += 1;
    const codePoint = character.codePointAt(0) as number;
    if (isRefused(codePoint)) {
      return `contains ${codePointName(codePoint)} (${kindOf(codePoint)}) at character ${position}: only one line of visible text is accepted`;
    }
  }
  return undefined;
}

/** For a zod string's `.superRefine`: an issue on that field when the text is not visible text. */
export function checkVisibleText(text: string, context: z.RefinementCtx<string>): void {
  const issue = invisibleTextIssue(text);
  if (issue) context.addIssue({ code: 'custom', message: issue });
}
