/**
 * One delivery attempt: the URL checked by the scrapers' SSRF guard (https only, public
 * addresses only, the connection pinned to the address checked), one POST with a timeout,
 * redirects not followed, and the answer classified:
 *
 *   2xx ─▶ delivered
 *   408, 429, 5xx, timeout, connection error, DNS failure ─▶ retry (with backoff)
 *   3xx, other 4xx, refused URL ─▶ refused: no attempt can succeed (the sender dead-letters it)
 *
 * Loopback addresses, and plain http to them, are allowed only for the exact `host:port` values
 * of `allowHosts`, which tests and `npm start` set (SHELFWATCH_WEBHOOK_ALLOW_HOSTS); a deployment
 * never does. `trustedCertificates` (SHELFWATCH_WEBHOOK_CA_FILE) is likewise local only.
 */
// The files, not the scraping index: that loads the browser host, which the sender must not bundle.
import { sendPinnedRequest } from '../scraping/http/pinned-request.ts';
import { BlockedUrlError, checkScrapeUrl, type Resolver } from '../scraping/url-guard.ts';

export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterSeconds?: number }
  | { readonly kind: 'refused'; readonly reason: string };

export interface PostOptions {
  /** Exact `host:port` values that may be plain http on loopback (tests, `npm start`). */
  readonly allowHosts?: readonly string[];
  readonly timeoutMs: number;
  readonly resolve?: Resolver;
  /** PEM certificates trusted besides the system's (a local https receiver's own CA). */
  readonly trustedCertificates?: string;
}

export interface PostedRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Bytes of a receiver's answer read at most (then dropped): only its status matters. */
const MAX_ANSWER_BYTES = 64 * 1024;

export async function postDelivery(request: PostedRequest, options: PostOptions): Promise<AttemptOutcome> {
  const refusal = schemeRefusal(request.url, options.allowHosts ?? []);
  if (refusal) return { kind: 'refused', reason: refusal };
  let checked;
  try {
    checked = await checkScrapeUrl(request.url, {
      ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
  } catch (error) {
    if (!(error instanceof BlockedUrlError)) throw error;
    // A name that does not resolve now may resolve later (DNS outage); an address never changes.
    if (error.reason.endsWith('does not resolve')) return { kind: 'retry', reason: error.message };
    return { kind: 'refused', reason: error.message };
  }
  try {
    const response = await sendPinnedRequest({
      url: checked.url,
      addresses: checked.addresses,
      method: 'POST',
      body: request.body,
      headers: {
        ...request.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(request.body)),
        'user-agent': 'Shelfwatch-Webhooks/1',
      },
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.trustedCertificates ? { trustedCertificates: options.trustedCertificates } : {}),
    });
    const status = response.statusCode ?? 0;
    const retryAfter = Number(response.headers['retry-after']);
    await drain(response);
    return classifyStatus(status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  } catch (error) {
    const name = (error as { name?: string }).name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${options.timeoutMs} ms`
        : `connection failed: ${(error as Error).message}`;
    return { kind: 'retry', reason };
  }
}

function schemeRefusal(raw: string, allowHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the webhook URL is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  const hostPort = `${url.hostname}:${url.port || '80'}`;
  if (url.protocol === 'http:' && allowHosts.includes(hostPort)) return undefined;
  return `webhooks are delivered over https only (${url.protocol} refused)`;
}

export function classifyStatus(status: number, retryAfterSeconds?: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 408 || status === 429 || status >= 500) {
    return {
      kind: 'retry',
      reason: `the receiver answered HTTP ${status}`,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'refused', reason: `the receiver answered HTTP ${status}: redirects are not followed` };
  }
  return { kind: 'refused', reason: `the receiver answered HTTP ${status}` };
}

async function drain(response: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
  let bytes = 0;
  for await (const chunk of response) {
    bytes += chunk.length;
    if (bytes > MAX_ANSWER_BYTES) break;
  }
  response.destroy();
}
