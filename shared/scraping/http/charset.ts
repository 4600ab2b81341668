/**
 * The text of an HTML body, decoded as a browser would: a byte order mark wins, then the
 * charset of the Content-Type header, then a `<meta charset>` / `<meta http-equiv>` in the first
 * bytes of the page, else UTF-8. The order is the WHATWG encoding-sniffing order Chromium follows,
 * so both evaluators see the same text (1688 pages are GBK and say so in a meta tag).
 */

export interface DecodedBody {
  readonly text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `gbk`. */
  readonly encoding: string;
  readonly source: 'bom' | 'header' | 'meta' | 'default';
}

/** How far into the page a meta charset is looked for (the HTML spec's prescan reads 1024 bytes). */
const PRESCAN_BYTES = 4096;

const BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

/** The WHATWG encoding a label names (`GB2312` → `gbk`), or undefined for an unknown label. */
export function encodingOfLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

export function charsetOfContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return encodingOfLabel(match?.[1]);
}

export function charsetOfMeta(head: Uint8Array): string | undefined {
  // ASCII-compatible encodings spell tags in ASCII bytes: latin1 keeps every byte one character.
  const text = Buffer.from(head.subarray(0, PRESCAN_BYTES)).toString('latin1');
  for (const tag of text.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(tag);
    const isContentType = /\bhttp-equiv\s*=\s*["']?content-type/i.test(tag);
    if (direct && (isContentType || !/\bcontent\s*=/i.test(tag))) {
      const encoding = encodingOfLabel(direct[1]);
      // A page cannot declare itself UTF-16 in ASCII bytes: the spec reads that as UTF-8.
      if (encoding) return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
    }
  }
  return undefined;
}

function charsetOfBom(body: Uint8Array): string | undefined {
  return BOMS.find(([bom]) => bom.every((byte, index) => body[index] === byte))?.[1];
}

export function decodeHtml(body: Uint8Array, contentType: string | undefined): DecodedBody {
  const bom = charsetOfBom(body);
  if (bom) return { text: new TextDecoder(bom).decode(body), encoding: bom, source: 'bom' };
  const header = charsetOfContentType(contentType);
  if (header) return { text: new TextDecoder(header).decode(body), encoding: header, source: 'header' };
  const meta = charsetOfMeta(body);
  if (meta) return { text: new TextDecoder(meta).decode(body), encoding: meta, source: 'meta' };
  return { text: new TextDecoder('utf-8').decode(body), encoding: 'utf-8', source: 'default' };
}
