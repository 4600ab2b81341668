/**
 * A tunnel through the configured outbound proxy to one checked address. The proxy is asked for
 * the address the SSRF guard checked, never for the host name, so DNS pinning holds through a
 * proxy too: HTTP CONNECT for http:// and https:// proxies, the SOCKS5 CONNECT command (with
 * RFC 1929 username/password) for socks5:// ones. TLS to the site, if any, runs inside the tunnel.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { ShelfwatchError } from '../../errors/index.ts';
import type { ProxySettings } from '../proxy.ts';

/** The proxy would not open the tunnel (refused credentials, a target it does not allow). */
export class ProxyRefusedError extends ShelfwatchError {
  constructor(message: string) {
    super('unavailable', 'PROXY_REFUSED', message);
  }
}

export async function openProxyTunnel(
  proxy: ProxySettings,
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<Socket> {
  const proxyUrl = new URL(proxy.url);
  return proxyUrl.protocol === 'socks5:'
    ? openSocksTunnel(proxy, proxyUrl, address, port, signal)
    : openConnectTunnel(proxy, proxyUrl, address, port, signal);
}

const authorityOf = (address: string, port: number): string =>
  `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;

function openConnectTunnel(
  proxy: ProxySettings,
  proxyUrl: URL,
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<Socket> {
  const authority = authorityOf(address, port);
  const credentials =
    proxy.username && proxy.password
      ? {
          'Proxy-Authorization': `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`,
        }
      : {};
  const send = proxyUrl.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Socket>((resolve, reject) => {
    const request = send({
      method: 'CONNECT',
      host: proxyUrl.hostname.replace(/^\[|\]$/g, ''),
      port: proxyUrl.port || (proxyUrl.protocol === 'https:' ? 443 : 80),
      path: authority,
      headers: { Host: authority, ...credentials },
      agent: false,
      signal,
    });
    const refuse = (response: IncomingMessage, socket?: Socket) => {
      socket?.destroy();
      response.resume();
      reject(
        new ProxyRefusedError(
          `the proxy ${proxyUrl.host} refused a tunnel to ${authority}: HTTP ${response.statusCode}`,
        ),
      );
    };
    request.once('connect', (response: IncomingMessage, socket: Socket, head: Buffer) => {
      if (response.statusCode !== 200) return refuse(response, socket);
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.once('response', (response: IncomingMessage) => refuse(response));
    request.once('error', reject);
    request.end();
  });
}

/** Reads exactly `count` bytes from the socket (the SOCKS5 replies are small and fixed-size). */
function readBytes(socket: Socket, count: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < count) return;
      cleanup();
      if (buffered.length > count) socket.unshift(buffered.subarray(count));
      resolve(buffered.subarray(0, count));
    };
    const onEnd = () => {
      cleanup();
      reject(new ProxyRefusedError('the SOCKS5 proxy closed the connection during the handshake'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.pause();
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    socket.resume();
  });
}

const SOCKS_REPLIES: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

async function openSocksTunnel(
  proxy: ProxySettings,
  proxyUrl: URL,
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<Socket> {
  const socket = netConnect({
    host: proxyUrl.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxyUrl.port || 1080),
  });
  const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const withPassword = proxy.username !== undefined && proxy.password !== undefined;
    socket.write(Buffer.from(withPassword ? [5, 1, 2] : [5, 1, 0]));
    const [version, method] = await readBytes(socket, 2);
    if (version !== 5 || method !== (withPassword ? 2 : 0))
      throw new ProxyRefusedError(
        `the SOCKS5 proxy ${proxyUrl.host} accepted none of our authentication methods`,
      );
    if (withPassword) {
      const user = Buffer.from(proxy.username ?? '');
      const password = Buffer.from(proxy.password ?? '');
      socket.write(
        Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([password.length]), password]),
      );
      const [, status] = await readBytes(socket, 2);
      if (status !== 0)
        throw new ProxyRefusedError(`the SOCKS5 proxy ${proxyUrl.host} refused our credentials`);
    }
    const family = isIP(address);
    const addressBytes =
      family === 4 ? Buffer.from(address.split('.').map(Number)) : Buffer.from(ipv6Bytes(address));
    const portBytes = Buffer.from([port >> 8, port & 255]);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0, family === 4 ? 1 : 4]), addressBytes, portBytes]));
    const [, reply, , boundType] = await readBytes(socket, 4);
    if (reply !== 0) {
      throw new ProxyRefusedError(
        `the SOCKS5 proxy ${proxyUrl.host} could not reach ${authorityOf(address, port)}: ${SOCKS_REPLIES[reply ?? 1] ?? `reply ${reply}`}`,
      );
    }
    const boundLength = boundType === 1 ? 4 : boundType === 4 ? 16 : ((await readBytes(socket, 1))[0] ?? 0);
    await readBytes(socket, boundLength + 2);
    // The handshake paused the socket; the site sends nothing before our request, which the
    // HTTP client writes once it listens.
    socket.resume();
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function ipv6Bytes(written: string): number[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
  const address = written.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((group) => group.toString(16)).join(':'),
  );
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 255]);
}
