/**
 * Turning the strings a page shows into numbers, whatever the locale: "$1,299.99", "€149,00",
 * "1.234,56 €", "￥32,970", "₹1,499", "2 490 ₽", "5.182 valoraciones", "4,1 de 5 estrellas",
 * "5つ星のうち4.5", "(1.2K)", "12 тыс. отзывов". Pure functions; unparsable input gives undefined,
 * never a wrong number.
 */

/** Currencies without minor units: a separator in their amounts groups thousands. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'CLP', 'VND', 'HUF']);

/** Symbols and words, most specific first. `¥` is JPY or CNY: the marketplace decides. */
const CURRENCY_MARKS: readonly (readonly [RegExp, string])[] = [
  [/US\$|USD/i, 'USD'],
  [/C\$|CAD|CDN\$/i, 'CAD'],
  [/A\$|AUD/i, 'AUD'],
  [/S\$|SGD/i, 'SGD'],
  [/R\$|BRL/i, 'BRL'],
  [/MX\$|MXN/i, 'MXN'],
  [/£|GBP/i, 'GBP'],
  [/€|EUR/i, 'EUR'],
  [/₹|INR|Rs\.?/i, 'INR'],
  [/₽|RUB|руб/i, 'RUB'],
  [/₸|KZT/i, 'KZT'],
  [/元|CNY|RMB/i, 'CNY'],
  [/円|JPY/i, 'JPY'],
  [/￥|¥/, 'YEN'],
  [/zł|PLN/i, 'PLN'],
  [/kr|SEK/i, 'SEK'],
  [/TL|₺|TRY/i, 'TRY'],
  [/AED|د\.إ/i, 'AED'],
  [/SAR|ر\.س/i, 'SAR'],
  [/EGP|ج\.م/i, 'EGP'],
  [/\$/, 'DOLLAR'],
];

/** The marketplace's own currency, for symbols shared by several (¥, $) and bare numbers. */
export const MARKETPLACE_CURRENCY: Readonly<Record<string, string>> = {
  US: 'USD',
  CA: 'CAD',
  MX: 'MXN',
  BR: 'BRL',
  UK: 'GBP',
  IE: 'EUR',
  DE: 'EUR',
  FR: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  SE: 'SEK',
  PL: 'PLN',
  TR: 'TRY',
  AE: 'AED',
  SA: 'SAR',
  EG: 'EGP',
  IN: 'INR',
  JP: 'JPY',
  AU: 'AUD',
  SG: 'SGD',
  CN: 'CNY',
  RU: 'RUB',
  KZ: 'KZT',
  BY: 'BYN',
  UZ: 'UZS',
};

/** The currency a price text names, resolved against the marketplace for ¥ and $. */
export function parseCurrency(text: string, marketplace?: string): string | undefined {
  const home = marketplace ? MARKETPLACE_CURRENCY[marketplace.toUpperCase()] : undefined;
  for (const [mark, code] of CURRENCY_MARKS) {
    if (!mark.test(text)) continue;
    if (code === 'YEN') return home === 'CNY' ? 'CNY' : 'JPY';
    if (code === 'DOLLAR') return home && /^(USD|CAD|AUD|SGD|MXN)$/.test(home) ? home : 'USD';
    return code;
  }
  return undefined;
}

/**
 * A decimal number written with any grouping: "1,299.99", "1.234,56", "149,00", "32,970" (a
 * thousands group), "2 490", "12 345,5". The last separator is the decimal point unless it is
 * followed by exactly three digits (then it groups thousands) — or the currency has no minor unit.
 */
export function parseDecimal(text: string, { zeroDecimal = false } = {}): number | undefined {
  const match = /\d(?:[\d.,\s\u00a0\u202f\u2009']*\d)?/.exec(text);
  if (!match) return undefined;
  const raw = match[0].replace(/[\s\u00a0\u202f\u2009']/g, '');
  const lastSeparator = Math.max(raw.lastIndexOf('.'), raw.lastIndexOf(','));
  let integer = raw;
  let fraction = '';
  if (lastSeparator >= 0 && !zeroDecimal) {
    const separator = raw.charAt(lastSeparator);
    const head = raw.slice(0, lastSeparator);
    const tail = raw.slice(lastSeparator + 1);
    const otherSeparatorBefore = head.includes(separator === '.' ? ',' : '.');
    const usedTwice = head.includes(separator);
    const isDecimalPoint = otherSeparatorBefore || (!usedTwice && tail.length !== 3);
    if (isDecimalPoint) {
      integer = head;
      fraction = tail;
    }
  }
  const digits = integer.replace(/[.,]/g, '');
  if (!/^\d+$/.test(digits) || (fraction && !/^\d+$/.test(fraction))) return undefined;
  const value = Number(fraction ? `${digits}.${fraction}` : digits);
  return Number.isFinite(value) ? value : undefined;
}

export interface Money {
  readonly amount: number;
  readonly currency?: string;
}

/** A price text ("€149,00", "$1,299.99", "￥32,970", "2 490 ₽") as amount and ISO currency. */
export function parsePrice(text: string | undefined, marketplace?: string): Money | undefined {
  if (!text) return undefined;
  const currency =
    parseCurrency(text, marketplace) ?? (marketplace ? MARKETPLACE_CURRENCY[marketplace] : undefined);
  const amount = parseDecimal(text, { zeroDecimal: currency !== undefined && ZERO_DECIMAL.has(currency) });
  if (amount === undefined) return undefined;
  return currency ? { amount, currency } : { amount };
}

/**
 * A count: "5.182 valoraciones", "1,234 ratings", "(12 345)", "1.2K", "2,3 тыс.", "1万". Only
 * grouping separators are expected in counts, except before a K/M/тыс./万 multiplier.
 */
export function parseCount(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const multiplied = /(\d+(?:[.,]\d+)?)\s*(k|m|тыс\.?|млн\.?|万)(?![a-zа-я])/i.exec(text);
  if (multiplied) {
    const base = Number((multiplied[1] as string).replace(',', '.'));
    const unit = (multiplied[2] as string).toLowerCase();
    const factor = unit.startsWith('m') || unit.startsWith('млн') ? 1e6 : unit === '万' ? 1e4 : 1e3;
    return Math.round(base * factor);
  }
  const match = /\d(?:[\d.,\s\u00a0\u202f\u2009']*\d)?/.exec(text);
  if (!match) return undefined;
  const digits = match[0].replace(/[^\d]/g, '');
  return digits ? Number(digits) : undefined;
}

/**
 * Stars out of 5: "4.5 out of 5 stars", "4,1 de 5 estrellas", "4,5 von 5 Sternen",
 * "5つ星のうち4.5" (Japanese puts the scale first), "4.8". Out of range: undefined.
 */
export function parseRating(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const numbers = [...text.matchAll(/\d+(?:[.,]\d+)?/g)].map((m) => Number(m[0].replace(',', '.')));
  const value = /つ星のうち/.test(text) ? numbers.at(-1) : numbers[0];
  return value !== undefined && value >= 0 && value <= 5 ? value : undefined;
}

/** Availability words to a small vocabulary; anything else is kept as the page says it. */
export function parseAvailability(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (
    /currently unavailable|out of stock|nicht verfügbar|no disponible|在庫切れ|нет в наличии|закончил(?:ся|ась|ось)|indisponible|sold out|已下架|暂无货源/i.test(
      text,
    )
  ) {
    return 'out_of_stock';
  }
  if (/only \d+ left|nur noch \d+|quedan? \d+|残り\d+|осталось \d+|\d+ шт\.? осталось/i.test(text))
    return 'limited';
  if (/in stock|auf lager|en stock|disponible|在庫あり|в наличии|有货|现货/i.test(text)) return 'in_stock';
  return text.slice(0, 200);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * HTML entities left in text that came from embedded JSON rather than the DOM (Ozon's state JSON
 * holds titles like `&#34;Бабочка&#34;` and `Kadriel&amp;Co`). Unknown entities stay as written.
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/**
 * A price per unit: "€12.50/kg", "(₹2,29,900/100 g)", "EUR 3,99 / kg", "83 ₽ / шт". The amount
 * is the price before the last slash, the unit what follows it (parentheses dropped). No slash,
 * no amount or no unit: undefined.
 */
export function parseUnitPrice(
  text: string | undefined,
  marketplace?: string,
): { amount: number; currency?: string; unit: string } | undefined {
  if (!text) return undefined;
  const inner = text.trim().replace(/^\(|\)$/g, '');
  const slash = inner.lastIndexOf('/');
  if (slash < 0) return undefined;
  const unit = inner
    .slice(slash + 1)
    .replace(/\s+/g, ' ')
    .trim();
  const price = parsePrice(inner.slice(0, slash), marketplace);
  if (!price || !unit || unit.length > 40 || !/\p{L}/u.test(unit)) return undefined;
  return { ...price, unit };
}

/**
 * The number of results a listing says it has: "1-16 of 306 results for", "1-16 von 86
 * Ergebnissen", "1-48 of over 10,000 results" (10000: the bound shown), "найден 16 491 товар". The
 * range of the page ("1-16") is not the count.
 */
export function parseResultCount(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const withoutRange = text.replace(/\d[\d.,\s\u00a0\u202f]*\s*[-–]\s*\d[\d.,\u00a0\u202f]*/, ' ');
  const count = parseCount(withoutRange);
  return count !== undefined && Number.isSafeInteger(count) ? count : undefined;
}
