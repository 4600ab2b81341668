/**
 * The SSRF guard in front of Chromium (an egress proxy, as Stripe's smokescreen): the browser is
 * launched with `--proxy-server` pointing here, so every request it makes — the page, its
 * redirects, stylesheets, scripts, XHR — asks this proxy, which resolves the host ONCE, checks
 * every address with the scraper's guard (url-guard.ts: public addresses only, refused names,
 * the `host:port` allow-list) and connects to the checked address. Chromium never resolves a
 * scraped name itself, so no second DNS answer (rebinding) can send a request elsewhere.
 *
 * - `CONNECT host:port` (HTTPS, WebSockets): 200 and a byte pipe to the checked address, or 403.
 * - `GET http://host/path` (absolute form, plain HTTP): forwarded to the checked address with the
 *   Host header the URL's (as sent by Chromium) and hop-by-hop headers dropped, or 403; an unreachable target is a 502.
 * - Anything else (an origin-form request, a garbage request line): 400. Nothing here throws.
 *
 * Listens on 127.0.0.1 on a free port; one per browser launch (BrowserHost).
 */
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  BlockedUrlError,
  checkScrapeHost,
  checkScrapeUrl,
  type Resolver,
  type UrlCheckOptions,
} from '../url-guard.ts';

export interface GuardProxyOptions {
  /** The scraper's guard settings (allow-list; `resolve` is the DNS lookup, default the system's). */
  readonly urlCheck: UrlCheckOptions;
  /** Overrides `urlCheck.resolve` (tests answer names with chosen addresses). */
  readonly resolve?: Resolver;
}

export interface GuardProxyStats {
  /** CONNECT tunnels opened to a checked address. */
  readonly tunnels: number;
  /** Plain HTTP requests forwarded to a checked address. */
  readonly forwarded: number;
  /** Requests and tunnels the guard refused (403). */
  readonly refused: number;
  /** Checked targets that could not be reached (502). */
  readonly unreachable: number;
  /** Requests that were not proxy requests at all (400). */
  readonly malformed: number;
}

export interface GuardProxy {
  /** `http://127.0.0.1:PORT`, for Chromium's `--proxy-server`. */
  readonly url: string;
  readonly port: number;
  stats(): GuardProxyStats;
  /** Stops listening and closes every connection still open (both sides). */
  stop(): Promise<void>;
}

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1), plus proxy ones. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `host:port` of a CONNECT request (`[v6]:port` for IPv6), or undefined if it is not one. */
function authorityOf(target: string | undefined): { host: string; port: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@]+):(\d{1,5})$/i.exec(target ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port: String(port) };
}

/** Raw header pairs without hop-by-hop headers and those the Connection header names. */
function endToEndHeaders(raw: readonly string[]): string[] {
  const named = new Set<string>();
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() === 'connection') {
      for (const token of (raw[index + 1] ?? '').split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    kept.push(name, raw[index + 1] ?? '');
  }
  return kept;
}

function withoutHost(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() !== 'host') kept.push(raw[index] ?? '', raw[index + 1] ?? '');
  }
  return kept;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' };

/** An answer on a raw socket (CONNECT, client errors), then the connection is closed. */
function answerAndClose(socket: Duplex, status: 400 | 403 | 502, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function answer(response: ServerResponse, status: 400 | 403 | 502, reason: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  response.end(`${reason}\n`);
}

export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const check: UrlCheckOptions = {
    ...options.urlCheck,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  const counts = { tunnels: 0, forwarded: 0, refused: 0, unreachable: 0, malformed: 0 };
  const sockets = new Set<Duplex>();
  const track = <T extends Duplex>(socket: T): T => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };

  /** A refusal is counted and answered 403; any other failure to check is a 502. */
  const refuse = (error: unknown, reply: (status: 403 | 502, reason: string) => void): void => {
    if (error instanceof BlockedUrlError) {
      counts.refused += 1;
      reply(403, `refused by the Shelfwatch SSRF guard: ${error.message}`);
    } else {
      counts.unreachable += 1;
      reply(502, `the SSRF guard could not check the target: ${String(error)}`);
    }
  };

  const tunnel = (request: IncomingMessage, client: Duplex, head: Buffer): void => {
    track(client);
    client.on('error', () => client.destroy());
    const target = authorityOf(request.url);
    if (!target) {
      counts.malformed += 1;
      answerAndClose(client, 400, `CONNECT needs host:port, got ${JSON.stringify(request.url ?? '')}`);
      return;
    }
    checkScrapeHost(target.host, target.port, check).then(
      (addresses) => {
        if (client.destroyed) return;
        const upstream = track(connect({ host: addresses[0] ?? '', port: Number(target.port) }));
        let established = false;
        upstream.once('connect', () => {
          established = true;
          counts.tunnels += 1;
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', (error) => {
          if (established) {
            client.destroy();
            return;
          }
          counts.unreachable += 1;
          answerAndClose(client, 502, `cannot reach ${target.host}:${target.port}: ${error.message}`);
        });
        client.once('close', () => upstream.destroy());
      },
      (error: unknown) => refuse(error, (status, reason) => answerAndClose(client, status, reason)),
    );
  };

  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const raw = request.url ?? '';
    if (!/^http:\/\//i.test(raw)) {
      counts.malformed += 1;
      answer(response, 400, 'this is a forward proxy: send an absolute http:// URL, or CONNECT host:port');
      return;
    }
    checkScrapeUrl(raw, check).then(
      ({ url, addresses }) => {
        if (response.destroyed) return;
        // An absolute-form request's target wins over its Host header (RFC 9112 §3.2.2).
        const headers = [...withoutHost(endToEndHeaders(request.rawHeaders)), 'Host', url.host];
        const address = addresses[0] ?? '';
        const upstream = httpRequest({
          host: address,
          family: isIP(address),
          port: Number(url.port || 80),
          method: request.method ?? 'GET',
          path: `${url.pathname}${url.search}`,
          headers,
          setHost: false,
          agent: false,
        });
        upstream.on('socket', (socket: Socket) => track(socket));
        upstream.on('response', (answerFrom) => {
          counts.forwarded += 1;
          response.writeHead(
            answerFrom.statusCode ?? 502,
            answerFrom.statusMessage,
            endToEndHeaders(answerFrom.rawHeaders),
          );
          answerFrom.pipe(response);
          answerFrom.on('error', () => response.destroy());
        });
        upstream.on('error', (error) => {
          if (response.headersSent) {
            response.destroy();
            return;
          }
          counts.unreachable += 1;
          answer(response, 502, `cannot reach ${url.host}: ${error.message}`);
        });
        response.once('close', () => {
          if (!response.writableFinished) upstream.destroy();
        });
        request.pipe(upstream);
      },
      (error: unknown) => refuse(error, (status, reason) => answer(response, status, reason)),
    );
  };

  const server = createServer(forward);
  server.on('connect', tunnel);
  server.on('connection', (socket: Socket) => track(socket));
  server.on('clientError', (_error, socket: Duplex) => {
    counts.malformed += 1;
    answerAndClose(socket, 400, 'not an HTTP proxy request');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
