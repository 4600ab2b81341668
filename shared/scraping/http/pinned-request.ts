/**
 * One GET over a connection pinned to the addresses the SSRF guard checked: no second DNS lookup
 * can send it elsewhere. Directly, the socket's `lookup` answers with the checked addresses while
 * the Host header and TLS server name (SNI, certificate check) stay the URL's host name; through a
 * proxy, the tunnel is opened to the checked address (proxy-tunnel.ts).
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProxySettings } from '../proxy.ts';
import { openProxyTunnel } from './proxy-tunnel.ts';

export interface PinnedRequest {
  readonly url: URL;
  /** The addresses the guard checked for the URL's host (tried in order). */
  readonly addresses: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly proxy?: ProxySettings;
  /** Certificates to trust besides the system's (a private CA; tests). */
  readonly trustedCertificates?: string;
  /** Default GET. POST (with `body`): webhook deliveries (shared/webhooks). */
  readonly method?: 'GET' | 'POST';
  /** The exact bytes sent as the request body. */
  readonly body?: string | Buffer;
}

/** A `lookup` that answers with the checked addresses, whatever DNS would say now. */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, entries);
      return;
    }
    const first = entries[0] ?? { address: '', family: 4 };
    callback(null, first.address, first.family);
  };
}

const defaultPort = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** Resolves with the response head; the body is the caller's to read (or destroy). */
export async function sendPinnedRequest(input: PinnedRequest): Promise<IncomingMessage> {
  const { url, signal } = input;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const servername = isIP(hostname) ? undefined : hostname;
  const common = {
    method: input.method ?? 'GET',
    host: hostname,
    port: defaultPort(url),
    path: `${url.pathname}${url.search}`,
    headers: input.headers,
    signal,
    ...(input.trustedCertificates ? { ca: input.trustedCertificates } : {}),
    ...(servername ? { servername } : {}),
  };
  let request: ClientRequest;
  if (input.proxy) {
    const tunnel = await openProxyTunnel(
      input.proxy,
      input.addresses[0] ?? hostname,
      defaultPort(url),
      signal,
    );
    const createConnection = (): Socket =>
      secure
        ? tlsConnect({
            socket: tunnel,
            ...(servername ? { servername } : {}),
            ALPNProtocols: ['http/1.1'],
            ...(input.trustedCertificates ? { ca: input.trustedCertificates } : {}),
          })
        : tunnel;
    request = httpRequest({ ...common, createConnection });
  } else {
    const send = secure ? httpsRequest : httpRequest;
    request = send({ ...common, agent: false, lookup: pinnedLookup(input.addresses) });
  }
  return new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    if (input.body === undefined) request.end();
    else request.end(input.body);
  });
}
