/**
 * The demo shop: a local HTTP server with Amazon-, Ozon- and 1688-shaped pages, pagination, and
 * fault injection — by query (`?fault=503|429|403|404|captcha|hang|oversized|js-prices&latency=ms`,
 * for a single request) or by rules (`{ path, fault, times, latencyMs }`: e.g. a burst of 5xx on
 * the first three requests to a path, a slow path, or a redirect elsewhere). `captcha` serves the
 * platform's own block page (Amazon's robot check, Ozon's "Доступ ограничен", 1688's slider);
 * `oversized` the page padded past OVERSIZED_BYTES (chunked, no Content-Length); `js-prices` the
 * page with its prices left empty and filled in by an inline script, as a JavaScript-rendered page
 * looks over plain HTTP. 1688's pages go out in GBK bytes, as 1688 sends them. Used by tests,
 * `npm start` and the benchmark; binds to loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeGbkHtml } from './gbk.ts';
import {
  alibabaCaptcha,
  alibabaOffer,
  alibabaSearch,
  amazonCaptcha,
  amazonListing,
  amazonProduct,
  LISTING_PAGES,
  ozonBlockPage,
  ozonListing,
  ozonProduct,
} from './pages.ts';

export const FAULTS = [
  '500',
  '503',
  '429',
  '403',
  '404',
  'captcha',
  'hang',
  'oversized',
  'js-prices',
] as const;
export type Fault = (typeof FAULTS)[number];

/** What `oversized` sends: past the scrapers' default response cap (16 MiB). */
export const OVERSIZED_BYTES = 17 * 1024 * 1024;
const PADDING_CHUNK = `<!--${'x'.repeat(64 * 1024 - 7)}-->`;

/** Price elements of every platform's pages (the text a `js-prices` page leaves to a script). */
const PRICE_ELEMENT =
  /<span (class="(?:a-offscreen|price-text|price_num)"|aria-hidden="true")>([^<]*)<\/span>/g;

/**
 * The page as a JavaScript-rendered shop serves it: each price element empty, its text in an
 * inline script at the end of the body that fills them in. Plain HTTP sees no prices; a browser
 * with JavaScript on sees the page as it was.
 */
export function withPricesFilledByScript(html: string): string {
  const prices: string[] = [];
  const emptied = html.replace(PRICE_ELEMENT, (_element, attribute: string, text: string) => {
    prices.push(text);
    return `<span ${attribute} data-js-price></span>`;
  });
  const values = JSON.stringify(prices).replace(/</g, '\\u003c');
  const script = `<script>(function(){var v=${values};document.querySelectorAll('[data-js-price]').forEach(function(e,i){e.innerHTML=v[i];});})();</script>`;
  return emptied.replace('</body>', `${script}</body>`);
}

export interface FaultRule {
  /** Path prefix the rule applies to (e.g. `/amazon/com/s`). */
  readonly path: string;
  /** Absent: the page is served normally (with the latency, if any). */
  readonly fault?: Fault;
  /** How many matching requests get the fault; then the rule is spent. Default: all. */
  readonly times?: number;
  /** Matching requests let through before the fault starts (e.g. 1: page 2 of a listing fails). */
  readonly after?: number;
  /** Added delay, milliseconds. */
  readonly latencyMs?: number;
  /**
   * Serves the matching pages from this version of the catalogue, whatever the shop's (or a
   * session's) version: a run that is killed and resumed reads one story across its attempts.
   */
  readonly version?: number;
  /** Answer `302 Found` to this URL instead of the page (e.g. into the private network). */
  readonly redirectTo?: string;
}

export interface DemoShop {
  readonly url: string;
  readonly port: number;
  /** Paths requested so far, in order (for tests and the benchmark). */
  readonly requests: string[];
  setRules(rules: readonly FaultRule[]): void;
  /**
   * Moves the shop to a version of its catalogue (0, the default, is the original): prices, stock
   * and listings vary deterministically with it (see catalog.ts), so runs before and after see
   * the same changes every time.
   */
  setVersion(version: number): void;
  /** The version served now to a request that is not pinned to one (see `pinVersionPerSession`). */
  readonly version: number;
  stop(): Promise<void>;
}

/** The cookie that pins a client's session to the version of the shop it first saw. */
export const VERSION_COOKIE = 'demo_shop_version';

/** The version a request's cookie pins it to, if any. */
function pinnedVersionOf(request: IncomingMessage): number | undefined {
  const value = /(?:^|;\s*)demo_shop_version=(\d{1,9})(?:;|$)/.exec(request.headers.cookie ?? '')?.[1];
  return value === undefined ? undefined : Number(value);
}

type Route = (
  match: RegExpExecArray,
  query: URLSearchParams,
  path: string,
  version: number,
) => string | undefined;

const pageParam = (query: URLSearchParams, name: string): number => {
  const value = Number(query.get(name) ?? '1');
  return Number.isInteger(value) && value >= 1 ? value : Number.NaN;
};

const next = (path: string, query: URLSearchParams, name: string, current: number): string | undefined => {
  if (current >= LISTING_PAGES) return undefined;
  const params = new URLSearchParams(query);
  params.set(name, String(current + 1));
  return `${path}?${params.toString()}`;
};

const ROUTES: [RegExp, Route][] = [
  [
    /^\/amazon\/([a-z.]+)\/dp\/([A-Z0-9]{10})$/,
    (m, _q, _p, v) => amazonProduct(m[1] ?? 'com', m[2] ?? '', v),
  ],
  [
    // A search (`k=`), or a category read as a search filtered on its node (`rh=n:ID`), as on the site.
    /^\/amazon\/([a-z.]+)\/s$/,
    (m, q, p, v) => {
      const node = /(?:^|,)n:(\d+)/.exec(q.get('rh') ?? '')?.[1];
      return listing(q, 'page', (n) =>
        node === undefined
          ? amazonListing(m[1] ?? 'com', 'search', q.get('k') ?? '', n, next(p, q, 'page', n), v)
          : amazonListing(m[1] ?? 'com', 'category', node, n, next(p, q, 'page', n), v),
      );
    },
  ],
  [
    /^\/amazon\/([a-z.]+)\/b$/,
    (m, q, p, v) =>
      listing(q, 'page', (n) =>
        amazonListing(m[1] ?? 'com', 'category', q.get('node') ?? '', n, next(p, q, 'page', n), v),
      ),
  ],
  [
    /^\/amazon\/([a-z.]+)\/gp\/bestsellers(?:\/([\w-]+(?:\/\d+)*))?$/,
    (m, q, p, v) =>
      listing(q, 'pg', (n) =>
        amazonListing(m[1] ?? 'com', 'bestsellers', m[2] ?? '', n, next(p, q, 'pg', n), v),
      ),
  ],
  [/^\/ozon\/product\/[\w-]*?-?(\d+)\/$/, (m, _q, _p, v) => ozonProduct(m[1] ?? '', v)],
  [
    /^\/ozon\/category\/([\w-]+)\/$/,
    (m, q, p, v) =>
      listing(q, 'page', (n) => ozonListing('category', m[1] ?? '', n, next(p, q, 'page', n), v)),
  ],
  [
    /^\/ozon\/search\/$/,
    (_m, q, p, v) =>
      listing(q, 'page', (n) => ozonListing('search', q.get('text') ?? '', n, next(p, q, 'page', n), v)),
  ],
  [/^\/1688\/offer\/(\d+)\.html$/, (m, _q, _p, v) => alibabaOffer(m[1] ?? '', v)],
  [
    // 1688's own search path (s.1688.com/selloffer/offer_search.htm), and the shorter one
    /^\/1688\/(?:search|selloffer\/offer_search\.htm)$/,
    (_m, q, p, v) =>
      listing(q, 'beginPage', (n) =>
        alibabaSearch(q.get('keywords') ?? '', n, next(p, q, 'beginPage', n), v),
      ),
  ],
  [/^\/health$/, () => 'ok'],
];

/** Each platform's own block page, so its extractor's block rules can be exercised. */
function captchaPageFor(path: string): string {
  if (path.startsWith('/ozon/')) return ozonBlockPage();
  if (path.startsWith('/1688/')) return alibabaCaptcha();
  return amazonCaptcha();
}

function listing(query: URLSearchParams, name: string, render: (page: number) => string): string | undefined {
  const page = pageParam(query, name);
  return Number.isNaN(page) || page > LISTING_PAGES ? undefined : render(page);
}

export interface DemoShopOptions {
  readonly port?: number;
  readonly rules?: readonly FaultRule[];
  readonly version?: number;
  /**
   * Pin each client session to the version it first saw (a cookie, as a real shop's session): a
   * scraper's run, whose HTTP session or browser context keeps cookies, reads every page of one
   * version even when the shop moves on while it reads. Off by default (tests move the shop
   * between reads of one client).
   */
  readonly pinVersionPerSession?: boolean;
}

export async function startDemoShop(options: DemoShopOptions = {}): Promise<DemoShop> {
  const requests: string[] = [];
  let version = options.version ?? 0;
  let rules = (options.rules ?? []).map((rule) => ({
    ...rule,
    left: rule.times ?? Number.POSITIVE_INFINITY,
    skip: rule.after ?? 0,
  }));
  const sockets = new Set<Socket>();

  const respond = (
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    response.end(body);
  };
  // 1688 as it is: GBK bytes, the charset named only in the page's meta tag.
  const respondGbk = (response: ServerResponse, body: string) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(encodeGbkHtml(body));
  };
  const respondOversized = (response: ServerResponse, body: string) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.write(body);
    let sent = Buffer.byteLength(body);
    const more = () => {
      while (sent < OVERSIZED_BYTES) {
        sent += PADDING_CHUNK.length;
        if (!response.write(PADDING_CHUNK)) return void response.once('drain', more);
      }
      response.end();
    };
    more();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://demo.shop');
    requests.push(`${url.pathname}${url.search}`);
    const rule = rules.find((candidate) => {
      if (candidate.left <= 0 || !url.pathname.startsWith(candidate.path)) return false;
      if (candidate.skip > 0) {
        candidate.skip -= 1;
        return false;
      }
      return true;
    });
    if (rule) rule.left -= 1;
    const queryFault = url.searchParams.get('fault');
    const fault = (rule?.fault ?? (FAULTS as readonly string[]).find((f) => f === queryFault)) as
      Fault | undefined;
    const latencyMs = rule?.latencyMs ?? Number(url.searchParams.get('latency') ?? 0);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(latencyMs, 60_000)));
    if (rule?.redirectTo) return respond(response, 302, 'Found', { location: rule.redirectTo });
    switch (fault) {
      case 'hang':
        return; // never answers: the client's timeout must handle it
      case 'captcha':
        return url.pathname.startsWith('/1688/')
          ? respondGbk(response, captchaPageFor(url.pathname))
          : respond(response, 200, captchaPageFor(url.pathname));
      case '429':
        return respond(response, 429, 'Too Many Requests', { 'retry-after': '30' });
      case '403':
      case '404':
      case '500':
      case '503':
        return respond(response, Number(fault), `<html><body>Error ${fault}</body></html>`);
      case 'oversized':
      case 'js-prices':
      case undefined:
        break;
    }
    let served = rule?.version ?? version;
    if (options.pinVersionPerSession && rule?.version === undefined) {
      const pinned = pinnedVersionOf(request);
      if (pinned === undefined)
        response.setHeader('set-cookie', `${VERSION_COOKIE}=${version}; Path=/; HttpOnly`);
      else served = pinned;
    }
    for (const [pattern, route] of ROUTES) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const page = route(match, url.searchParams, url.pathname, served);
      if (page === undefined) return respond(response, 404, 'Not found');
      const body = fault === 'js-prices' ? withPricesFilledByScript(page) : page;
      if (fault === 'oversized') return respondOversized(response, body);
      return url.pathname.startsWith('/1688/') ? respondGbk(response, body) : respond(response, 200, body);
    }
    respond(response, 404, 'Not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => respond(response, 500, 'demo shop error'));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A taken port rejects (EADDRINUSE) instead of crashing the process with an unhandled error event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setRules(next) {
      rules = next.map((rule) => ({
        ...rule,
        left: rule.times ?? Number.POSITIVE_INFINITY,
        skip: rule.after ?? 0,
      }));
    },
    get version() {
      return version;
    },
    setVersion(next) {
      if (!Number.isInteger(next) || next < 0) throw new RangeError('a shop version is an integer ≥ 0');
      version = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy(); // hanging requests included
        server.close(() => resolve());
      }),
  };
}
