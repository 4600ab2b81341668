/**
 * What "the text of an element" and "the text of the page" mean for a PageSpec, defined once for
 * both evaluators: `readPage` (the DOM in Chromium, which receives this object as an argument)
 * and `readHtml` (parsed HTML in Node). Nothing here depends on layout, so both agree:
 *
 * - An element's text is its `textContent` without the text inside `textlessElements` (inline
 *   scripts and styles sit inside elements read, e.g. Amazon's #availability), whitespace runs
 *   collapsed to one space and trimmed. Hidden elements count; a line break (`<br>`) counts as a
 *   space, so `Lamp<br>Deluxe` reads `Lamp Deluxe` (as a person reads it), not `LampDeluxe`.
 * - The page text that block rules match is the document's title, a space, then the body's text,
 *   cut at `pageTextChars`.
 */
export interface PageReading {
  /** Tag names whose text a person never sees. */
  readonly textlessElements: readonly string[];
  /** Tag names read as one space: elements that break a line between words. */
  readonly spaceElements: readonly string[];
  /** How much of the body's text block rules look at. */
  readonly pageTextChars: number;
}

export const PAGE_READING: PageReading = {
  textlessElements: ['script', 'style', 'noscript', 'template'],
  spaceElements: ['br'],
  pageTextChars: 20_000,
};
