/**
 * Reads pages over plain HTTP for one run (the `http` fetch mode), with every guarantee of the
 * browser path: each URL — the target and every redirect — is checked by the SSRF guard and the
 * connection pinned to the addresses checked; a budget token is taken before each request; the
 * run's proxy and user agent are used, with the headers that browser would send; cookies are kept
 * for the run (one session per run); the body is capped, decompressed and decoded by charset; and
 * whatever stops the page is a `PageFailure` of the browser path's failure classes.
 *
 *   check URL ─▶ take budget ─▶ GET (pinned) ─▶ 3xx? ─yes─▶ next hop (≤ maxRedirects)
 *                                                 │ no
 *                                 status failure? ─▶ read ≤ cap ─▶ decompress ─▶ decode charset
 */
import type { IncomingMessage } from 'node:http';
import { CookieJar } from 'tough-cookie';
import { PageFailure, failureOfStatus } from '../page-failure.ts';
import type { ProxySettings } from '../proxy.ts';
import { SCRAPER_DEFAULTS } from '../scraper-config.ts';
import { checkRedirectUrl, type CheckedUrl, type UrlCheckOptions } from '../url-guard.ts';
import { decodeHtml } from './charset.ts';
import { DEFAULT_USER_AGENT, navigationHeaders } from './navigation-headers.ts';
import { sendPinnedRequest } from './pinned-request.ts';
import { ProxyRefusedError } from './proxy-tunnel.ts';
import { decodeContent, readRawBody } from './response-body.ts';

/** Chromium's own limit, so a page the browser can reach is reachable over HTTP too. */
export const MAX_REDIRECTS = 20;

export interface HttpSessionOptions {
  /** The run's user agent (the configured list's pick); default DEFAULT_USER_AGENT. */
  readonly userAgent?: string;
  readonly acceptLanguage?: string;
  /** The outbound proxy (the proxy secret's value); unset: direct connections. */
  readonly proxy?: ProxySettings;
  /** One page, redirects included, from the first connection to the last byte. Default: SCRAPER_DEFAULTS. */
  readonly navigationTimeoutMs?: number;
  /** Default: SCRAPER_DEFAULTS. */
  readonly maxResponseBytes?: number;
  /** Default: MAX_REDIRECTS. */
  readonly maxRedirects?: number;
  readonly urlCheck?: UrlCheckOptions;
  /**
   * Called before every request (each redirect hop too) with the host it goes to: resolves once a
   * budget token is taken; throws to stop (the page loop's hand-back). Its wait is not counted in
   * the timeout.
   */
  readonly takeBudget?: (domain: string) => Promise<void>;
  /** Certificates to trust besides the system's (a private CA; tests). */
  readonly trustedCertificates?: string;
}

export interface FetchedPage {
  /** Where the page was read: the last URL of the redirect chain. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly html: string;
  /** The encoding the body was decoded with, e.g. `utf-8`, `gbk`. */
  readonly encoding: string;
  /** Every URL redirected to, in order (empty when the first answer was the page). */
  readonly redirects: readonly string[];
  /** Body size on the wire and decoded. */
  readonly wireBytes: number;
  readonly bodyBytes: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The phase a page was in when it failed, for messages an on-call engineer can act on. */
type Phase = 'requesting' | 'reading';

export class HttpSession {
  private readonly options: HttpSessionOptions;
  private readonly cookies = new CookieJar();

  constructor(options: HttpSessionOptions = {}) {
    this.options = options;
  }

  async fetchPage(target: string): Promise<FetchedPage> {
    const maxRedirects = this.options.maxRedirects ?? MAX_REDIRECTS;
    const timeoutMs = this.options.navigationTimeoutMs ?? SCRAPER_DEFAULTS.navigationTimeoutSeconds * 1000;
    const maxBytes = this.options.maxResponseBytes ?? SCRAPER_DEFAULTS.maxResponseBytes;
    const redirects: string[] = [];
    /** Time the page's requests have used so far (budget waits and guard lookups excluded). */
    let spentMs = 0;
    let current = target;
    let previous: string | undefined;
    for (;;) {
      const checked = await this.check(current, previous);
      await this.options.takeBudget?.(checked.url.hostname);
      const hopStartedAt = performance.now();
      const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs - spentMs)));
      const response = await this.send(checked, deadline);
      spentMs += performance.now() - hopStartedAt;
      await this.keepCookies(response, checked.url);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location) {
        response.destroy();
        if (redirects.length >= maxRedirects) {
          throw new PageFailure({
            failureClass: 'transient',
            reason: 'too-many-redirects',
            message: `${target} redirected more than ${maxRedirects} times (last to ${current})`,
          });
        }
        previous = current;
        current = new URL(location, checked.url).href;
        redirects.push(current);
        continue;
      }
      const statusFailure = failureOfStatus(status, current);
      if (statusFailure) {
        response.destroy();
        throw new PageFailure(statusFailure);
      }
      return await this.readPage(response, current, { maxBytes, deadline, redirects });
    }
  }

  /** The guard, once per hop; a refused redirect says where it came from. */
  private check(url: string, redirectedFrom: string | undefined): Promise<CheckedUrl> {
    return checkRedirectUrl(url, redirectedFrom, this.options.urlCheck);
  }

  private async send(checked: CheckedUrl, deadline: AbortSignal): Promise<IncomingMessage> {
    const { url } = checked;
    const cookie = await this.cookies.getCookieString(url.href);
    try {
      return await sendPinnedRequest({
        url,
        addresses: checked.addresses,
        headers: navigationHeaders({
          url,
          userAgent: this.options.userAgent ?? DEFAULT_USER_AGENT,
          ...(this.options.acceptLanguage ? { acceptLanguage: this.options.acceptLanguage } : {}),
          ...(cookie ? { cookie } : {}),
        }),
        signal: deadline,
        ...(this.options.proxy ? { proxy: this.options.proxy } : {}),
        ...(this.options.trustedCertificates
          ? { trustedCertificates: this.options.trustedCertificates }
          : {}),
      });
    } catch (error) {
      throw transportFailure(error, url.href, deadline, 'requesting');
    }
  }

  private async keepCookies(response: IncomingMessage, url: URL): Promise<void> {
    for (const header of response.headers['set-cookie'] ?? []) {
      // A cookie the jar refuses (wrong domain, bad syntax) is dropped, as a browser drops it.
      await this.cookies.setCookie(header, url.href, { ignoreError: true });
    }
  }

  private async readPage(
    response: IncomingMessage,
    url: string,
    context: { maxBytes: number; deadline: AbortSignal; redirects: readonly string[] },
  ): Promise<FetchedPage> {
    let raw: Buffer;
    try {
      raw = await readRawBody(response, context.maxBytes, url);
    } catch (error) {
      if (error instanceof PageFailure) throw error;
      throw transportFailure(error, url, context.deadline, 'reading');
    }
    const body = await decodeContent(raw, response.headers['content-encoding'], context.maxBytes, url);
    const contentType = response.headers['content-type'];
    const decoded = decodeHtml(body, contentType);
    return {
      url,
      status: response.statusCode ?? 0,
      contentType,
      html: decoded.text,
      encoding: decoded.encoding,
      redirects: context.redirects,
      wireBytes: raw.length,
      bodyBytes: body.length,
    };
  }
}

/** A request that threw: the deadline, a proxy that refused, or a network error — all transient. */
function transportFailure(error: unknown, url: string, deadline: AbortSignal, phase: Phase): PageFailure {
  if (deadline.aborted) {
    return new PageFailure(
      { failureClass: 'transient', reason: 'timeout', message: `${url} did not load in time (${phase} it)` },
      { cause: error },
    );
  }
  if (error instanceof ProxyRefusedError) {
    return new PageFailure(
      { failureClass: 'transient', reason: 'proxy-refused', message: error.message },
      {
        cause: error,
      },
    );
  }
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return new PageFailure(
    {
      failureClass: 'transient',
      reason: code ? `network-${code.toLowerCase()}` : 'network-error',
      message: `${url}: ${phase} it failed: ${message}`,
    },
    { cause: error },
  );
}
