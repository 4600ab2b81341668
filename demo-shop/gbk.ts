/**
 * HTML in GBK bytes, as 1688 serves its pages. Node decodes GBK but cannot encode it, so the
 * table is built once by decoding every two-byte code; a character GBK cannot express (`¥`,
 * an emoji in a keyword) becomes a numeric character reference, as a GBK page would write it.
 */

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

export function encodeGbkHtml(html: string): Buffer {
  const bytes: number[] = [];
  for (const char of html) {
    const codePoint = char.codePointAt(0) as number;
    if (codePoint < 0x80) {
      bytes.push(codePoint);
      continue;
    }
    const code = gbkTable().get(char);
    if (code === undefined) {
      for (const ascii of `&#${codePoint};`) bytes.push(ascii.charCodeAt(0));
    } else {
      bytes.push(code >> 8, code & 0xff);
    }
  }
  return Buffer.from(bytes);
}
