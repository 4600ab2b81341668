/**
 * The browser's SSRF guard proxy on real sockets: a target server on 127.0.0.1, names answered by
 * an injected resolver (a DNS that changes its answer between two lookups, as in a rebinding
 * attack), plain HTTP in absolute form and CONNECT tunnels.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type GuardProxy, startGuardProxy } from '../../shared/scraping/browser/index.ts';
import type { Resolver } from '../../shared/scraping/index.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A plain HTTP request in absolute form through the proxy. */
function viaProxy(proxy: GuardProxy, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port: proxy.port, path: url, headers, agent: false });
    sent.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** CONNECT authority, then (if the tunnel opens) one HTTP request through it. */
function throughTunnel(proxy: GuardProxy, authority: string): Promise<{ connect: number; inner?: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      agent: false,
    });
    sent.on('connect', (response, socket) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        socket.destroy();
        resolve({ connect: status });
        return;
      }
      let inner = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (inner += chunk));
      socket.on('end', () => resolve({ connect: status, inner }));
      socket.on('error', reject);
      socket.write(`GET /tunnelled HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** Raw bytes to the proxy; the whole answer until it closes the connection. */
function rawExchange(proxy: GuardProxy, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** A resolver answering from a script per name: the n-th lookup of a name gets the n-th answer. */
function scriptedResolver(script: Record<string, readonly (readonly string[])[]>) {
  const lookups = new Map<string, number>();
  const resolve: Resolver = (host) => {
    const count = lookups.get(host) ?? 0;
    lookups.set(host, count + 1);
    const answers = script[host];
    if (!answers) return Promise.reject(new Error(`ENOTFOUND ${host}`));
    return Promise.resolve([...(answers[Math.min(count, answers.length - 1)] ?? [])]);
  };
  return { resolve, lookupsOf: (host: string) => lookups.get(host) ?? 0 };
}

describe('the guard proxy in front of Chromium', () => {
  let target: Server;
  let port: number;
  const hits: { url: string; headers: IncomingHttpHeaders }[] = [];

  before(async () => {
    target = createServer((incoming, response) => {
      hits.push({ url: incoming.url ?? '', headers: incoming.headers });
      response.writeHead(200, {
        'content-type': 'text/plain',
        'x-target-hop': 'one hop only',
        connection: 'close, x-target-hop',
      });
      response.end(`served ${incoming.url ?? ''} for ${incoming.headers.host ?? ''}`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
  });
  after(async () => {
    target.closeAllConnections();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  it('resolves a name once per request and connects to the address it checked, not to a later answer', async () => {
    // First answer: where the test server listens. Any later answer: 127.0.0.2, where nothing
    // listens. A proxy that resolved twice (check, then connect by name) would fail the first request.
    const dns = scriptedResolver({ 'shop.rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const proxy = await startGuardProxy({
      urlCheck: { allowHosts: [`shop.rebind.test:${port}`] },
      resolve: dns.resolve,
    });
    try {
      const first = await viaProxy(proxy, `http://shop.rebind.test:${port}/product?id=7`);
      assert.equal(first.status, 200);
      assert.equal(
        first.body,
        `served /product?id=7 for shop.rebind.test:${port}`,
        'the Host header is kept',
      );
      assert.equal(dns.lookupsOf('shop.rebind.test'), 1);
      assert.equal(hits.length, 1);

      // The second request is checked again (its own single lookup) and goes where that one said.
      const second = await viaProxy(proxy, `http://shop.rebind.test:${port}/product?id=8`);
      assert.equal(second.status, 502);
      assert.equal(dns.lookupsOf('shop.rebind.test'), 2);
      assert.equal(hits.length, 1, 'the server at the first answer saw nothing of the second request');
      assert.deepEqual(proxy.stats(), { tunnels: 0, forwarded: 1, refused: 0, unreachable: 1, malformed: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it('opens a CONNECT tunnel to the checked address, resolving the name once', async () => {
    const dns = scriptedResolver({ 'secure.rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const proxy = await startGuardProxy({
      urlCheck: { allowHosts: [`secure.rebind.test:${port}`] },
      resolve: dns.resolve,
    });
    try {
      const answer = await throughTunnel(proxy, `secure.rebind.test:${port}`);
      assert.equal(answer.connect, 200);
      assert.match(answer.inner ?? '', /^HTTP\/1\.1 200 OK/);
      assert.match(answer.inner ?? '', new RegExp(`served /tunnelled for secure.rebind.test:${port}`));
      assert.equal(dns.lookupsOf('secure.rebind.test'), 1);
      assert.equal(proxy.stats().tunnels, 1);
    } finally {
      await proxy.stop();
    }
  });

  for (const [name, addresses] of [
    ['loopback.attacker.test', ['127.0.0.1']],
    ['private.attacker.test', ['10.0.0.1']],
    ['metadata.attacker.test', ['169.254.169.254']],
    ['mixed.attacker.test', ['93.184.216.34', '127.0.0.1']],
    ['mapped.attacker.test', ['::ffff:127.0.0.1']],
  ] as const) {
    it(`refuses ${name} (resolving to ${addresses.join(', ')}) with a 403, over HTTP and CONNECT, and never connects`, async () => {
      // Any second lookup would answer the test server: only a proxy that connects by name reaches it.
      const dns = scriptedResolver({ [name]: [addresses, ['127.0.0.1']] });
      const proxy = await startGuardProxy({ urlCheck: {}, resolve: dns.resolve });
      try {
        const plain = await viaProxy(proxy, `http://${name}:${port}/secret`);
        assert.equal(plain.status, 403);
        assert.match(plain.body, /SSRF guard/);
        assert.match(plain.body, /not a public address/);
        const tunnel = await throughTunnel(proxy, `${name}:${port}`);
        assert.equal(tunnel.connect, 403);
        assert.equal(hits.length, 0, 'the target server saw no request');
        assert.equal(dns.lookupsOf(name), 2, 'one lookup per request');
        assert.equal(proxy.stats().refused, 2);
      } finally {
        await proxy.stop();
      }
    });
  }

  it('refuses loopback itself (no bypass) and local names without asking DNS, unless allow-listed', async () => {
    const dns = scriptedResolver({});
    const proxy = await startGuardProxy({
      urlCheck: { allowHosts: [`127.0.0.1:${port}`] },
      resolve: dns.resolve,
    });
    try {
      assert.equal((await viaProxy(proxy, `http://127.0.0.2:${port}/`)).status, 403);
      assert.equal((await viaProxy(proxy, `http://localhost:${port}/`)).status, 403);
      assert.equal((await throughTunnel(proxy, `metadata.google.internal:${port}`)).connect, 403);
      assert.equal((await throughTunnel(proxy, `[::1]:${port}`)).connect, 403);
      assert.equal((await viaProxy(proxy, `http://user:pw@127.0.0.1:${port}/`)).status, 403);
      assert.equal(hits.length, 0);
      assert.equal(dns.lookupsOf('localhost') + dns.lookupsOf('metadata.google.internal'), 0);
      assert.equal((await viaProxy(proxy, `http://127.0.0.1:${port}/allowed`)).status, 200);
      assert.deepEqual(
        hits.map((hit) => hit.url),
        ['/allowed'],
      );
      assert.equal(proxy.stats().refused, 5);
    } finally {
      await proxy.stop();
    }
  });

  it('drops hop-by-hop and proxy headers, and those the Connection header names, in both directions', async () => {
    const proxy = await startGuardProxy({ urlCheck: { allowHosts: [`127.0.0.1:${port}`] } });
    try {
      const answer = await new Promise<{ headers: IncomingHttpHeaders }>((resolve, reject) => {
        const sent = request({
          host: '127.0.0.1',
          port: proxy.port,
          path: `http://127.0.0.1:${port}/headers`,
          headers: {
            'proxy-authorization': 'Basic c2VjcmV0',
            'proxy-connection': 'keep-alive',
            connection: 'x-per-hop',
            'x-per-hop': 'drop me',
            'x-end-to-end': 'keep me',
          },
          agent: false,
        });
        sent.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve({ headers: response.headers }));
        });
        sent.on('error', reject);
        sent.end();
      });
      const seen = hits[0]?.headers ?? {};
      assert.equal(seen['x-end-to-end'], 'keep me');
      assert.equal(seen.host, `127.0.0.1:${port}`);
      for (const dropped of ['proxy-authorization', 'proxy-connection', 'x-per-hop']) {
        assert.equal(seen[dropped], undefined, `${dropped} reached the target`);
      }
      assert.equal(
        answer.headers['x-target-hop'],
        undefined,
        'a header the target’s Connection names stays on its hop',
      );
      assert.equal(answer.headers['content-type'], 'text/plain');
    } finally {
      await proxy.stop();
    }
  });

  it('answers garbage, origin-form requests and bad CONNECT targets with a 400, and keeps serving', async () => {
    const proxy = await startGuardProxy({ urlCheck: { allowHosts: [`127.0.0.1:${port}`] } });
    try {
      assert.match(await rawExchange(proxy, 'HELLO THERE\r\n\r\n'), /^HTTP\/1\.1 400 /);
      assert.match(await rawExchange(proxy, '\u0000\u0001\u0002 garbage\r\n\r\n'), /^HTTP\/1\.1 400 /);
      assert.match(await rawExchange(proxy, 'GET /product HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
      assert.match(await rawExchange(proxy, 'CONNECT nonsense HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 /);
      assert.match(await rawExchange(proxy, `CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 400 /);
      assert.equal(hits.length, 0);
      assert.equal((await viaProxy(proxy, `http://127.0.0.1:${port}/still-up`)).status, 200);
      assert.equal(proxy.stats().malformed, 5);
    } finally {
      await proxy.stop();
    }
  });

  it('answers 502 when a checked target cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const proxy = await startGuardProxy({ urlCheck: { allowHosts: [`127.0.0.1:${closedPort}`] } });
    try {
      assert.equal((await viaProxy(proxy, `http://127.0.0.1:${closedPort}/`)).status, 502);
      assert.equal((await throughTunnel(proxy, `127.0.0.1:${closedPort}`)).connect, 502);
      assert.equal(proxy.stats().unreachable, 2);
    } finally {
      await proxy.stop();
    }
  });
});
