/**
 * The monitor page's static files (web/): HTML, plain ES modules and CSS, no build step. They
 * hold no data, so they are served without a token; every call the page makes carries the token
 * the operator pasted. Only the files named here are served (no path from the request reaches
 * the file system). Locally they are read from the repository; in Lambda from the folder the
 * bundle ships beside itself (SHELFWATCH_WEB_ROOT).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const WEB_ROOT_VARIABLE = 'SHELFWATCH_WEB_ROOT';

export const WEB_PAGE_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'item-pages.js': 'text/javascript; charset=utf-8',
  'item-views.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;

export type WebPageFile = keyof typeof WEB_PAGE_FILES;

export const isWebPageFile = (name: string): name is WebPageFile => Object.hasOwn(WEB_PAGE_FILES, name);

/**
 * Scripts and styles from this origin only, no inline code, no framing; data calls to this
 * origin only (the API itself).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

export class WebPageFiles {
  private readonly root: string;
  private readonly cache = new Map<WebPageFile, string>();

  constructor(
    root: string = process.env[WEB_ROOT_VARIABLE] ?? path.resolve(import.meta.dirname, '../../web'),
  ) {
    this.root = root;
  }

  /** The file as an HTTP answer (read once, then kept). */
  async answer(file: WebPageFile): Promise<Response> {
    let body = this.cache.get(file);
    if (body === undefined) {
      body = await readFile(path.join(this.root, file), 'utf8');
      this.cache.set(file, body);
    }
    return new Response(body, { headers: { 'content-type': WEB_PAGE_FILES[file], ...SECURITY_HEADERS } });
  }
}
