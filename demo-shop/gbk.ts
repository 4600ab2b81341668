/**
 * HTML in GBK bytes, as 1688 serves its pages, with the GBK table the 1688 extractor encodes its
 * queries with; a character GBK cannot express (`¥`, an emoji in a keyword) becomes a numeric
 * character reference, as a GBK page would write it.
 */
import { gbkCodeOf } from '../shared/scraping/extractors/alibaba1688/gbk.ts';

export function encodeGbkHtml(html: string): Buffer {
  const bytes: number[] = [];
  for (const char of html) {
    const codePoint = char.codePointAt(0) as number;
    if (codePoint < 0x80) {
      bytes.push(codePoint);
      continue;
    }
    const code = gbkCodeOf(char);
    if (code === undefined) {
      for (const ascii of `&#${codePoint};`) bytes.push(ascii.charCodeAt(0));
    } else {
      bytes.push(code >> 8, code & 0xff);
    }
  }
  return Buffer.from(bytes);
}
