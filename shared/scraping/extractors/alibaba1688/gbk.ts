/**
 * Percent-encoding in GBK, the charset of s.1688.com's query string (its own pages carry
 * `"keywordsGbk":"%CA%D6%BB%FA…"` for 手机…; UTF-8 bytes come out as mojibake there). Node can
 * decode GBK but not encode it, so the table is built once by decoding every two-byte code (the
 * demo shop writes its 1688 pages with the same table, through `gbkCodeOf`).
 */
import { InvalidTargetError } from '../registry.ts';

let table: Map<string, number> | undefined;

function gbkTable(): Map<string, number> {
  if (table) return table;
  const decoder = new TextDecoder('gbk', { fatal: true });
  const built = new Map<string, number>();
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      try {
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (!built.has(char)) built.set(char, (lead << 8) | trail);
      } catch {
        // an unassigned code: nothing maps to it
      }
    }
  }
  table = built;
  return built;
}

/** The two-byte GBK code of one character (`手` → 0xcad6), or undefined if GBK cannot express it. */
export const gbkCodeOf = (char: string): number | undefined => gbkTable().get(char);

const hex = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** `手机数据线` → `%CA%D6%BB%FA%CA%FD%BE%DD%CF%DF`; ASCII as in a form (space → `+`). */
export function encodeGbk(text: string): string {
  let encoded = '';
  for (const char of text) {
    if (/^[A-Za-z0-9*\-._]$/.test(char)) encoded += char;
    else if (char === ' ') encoded += '+';
    else if (char.charCodeAt(0) < 0x80) encoded += hex(char.charCodeAt(0));
    else {
      const code = gbkCodeOf(char);
      if (code === undefined)
        throw new InvalidTargetError(text, `has "${char}", which 1688's GBK search cannot express`);
      encoded += hex(code >> 8) + hex(code & 0xff);
    }
  }
  return encoded;
}
