/**
 * The HTTP page fetcher against real local servers (HTTP, HTTPS, an HTTP CONNECT proxy, a SOCKS5
 * proxy), each on a port the OS hands out: failure classes, timeouts, the size cap, redirects
 * re-checked by the SSRF guard, cookies per run, content codings, charsets and DNS pinning.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  connect as netConnect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import zlib from 'node:zlib';
import { BlockedUrlError, PageFailure } from '../../shared/scraping/index.ts';
import { HttpSession, type HttpSessionOptions } from '../../shared/scraping/http/index.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface TestServer {
  readonly port: number;
  readonly origin: string;
  /** Every request received: its path and raw headers. */
  readonly requests: { path: string; headers: IncomingMessage['headers']; rawHeaders: string[] }[];
  stop(): Promise<void>;
}

async function listen(server: NetServer, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function startServer(handler: Handler, host = '127.0.0.1', port = 0): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders });
    handler(request, response);
  });
  const bound = await listen(server, host, port);
  return {
    port: bound,
    origin: `http://${host}:${bound}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<PageFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PageFailure, `expected a PageFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('the fetch succeeded');
}

const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/151.0.0.0 Safari/537.36';

const PAGE =
  '<!doctype html><html><head><title>Kettle</title></head><body><h1>Steel kettle</h1></body></html>';

// "<meta charset=gbk> … 你好 … 价格 测试商品" with the Chinese text in GBK bytes, written out by hand.
const GBK_HELLO = [0xc4, 0xe3, 0xba, 0xc3]; // 你好
const GBK_PRICE = [0xbc, 0xdb, 0xb8, 0xf1]; // 价格
const GBK_PRODUCT = [0xb2, 0xe2, 0xca, 0xd4, 0xc9, 0xcc, 0xc6, 0xb7]; // 测试商品
const gbkPage = (head: string) =>
  Buffer.concat([
    Buffer.from(`<html><head>${head}<title>`, 'latin1'),
    Buffer.from(GBK_PRODUCT),
    Buffer.from('</title></head><body><h1>', 'latin1'),
    Buffer.from(GBK_HELLO),
    Buffer.from('</h1><span class="price">', 'latin1'),
    Buffer.from(GBK_PRICE),
    Buffer.from(' 12.50</span></body></html>', 'latin1'),
  ]);

describe('the HTTP page fetcher', () => {
  let shop: TestServer;
  /** A second server, on loopback but not allow-listed: nothing may reach it. */
  let internal: TestServer;
  let options: HttpSessionOptions;

  before(async () => {
    internal = await startServer((_request, response) => response.end('internal secrets'));
    shop = await startServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const [, first = '', second] = url.pathname.split('/');
      switch (first) {
        case 'page':
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
          return;
        case 'status':
          response.writeHead(Number(second), { 'content-type': 'text/html' }).end(`<p>status ${second}</p>`);
          return;
        case 'hang':
          return; // never answers
        case 'hang-body':
          response.writeHead(200, { 'content-type': 'text/html' });
          response.write('<html><body>half a page');
          return; // never ends
        case 'big': {
          // 64 MiB, streamed: the fetcher must stop reading long before the end.
          let sent = 0;
          const body = new Readable({
            read() {
              sent += 64 * 1024;
              this.push(sent > 64 * 1024 * 1024 ? null : Buffer.alloc(64 * 1024, 0x61));
            },
          });
          response.writeHead(200, { 'content-type': 'text/html' });
          response.once('close', () => bigBodyFinished.push(response.writableFinished));
          body.pipe(response);
          return;
        }
        case 'declared-big':
          response.writeHead(200, { 'content-type': 'text/html', 'content-length': String(8 * 1024 * 1024) });
          response.write('<html>');
          return;
        case 'bomb':
          // 32 MiB of zeros gzip to about 32 KiB.
          response
            .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
            .end(zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024)));
          return;
        case 'encoded': {
          const html = Buffer.from(PAGE.repeat(50));
          const encoded: Record<string, Buffer> = {
            gzip: zlib.gzipSync(html),
            br: zlib.brotliCompressSync(html),
            deflate: zlib.deflateSync(html),
            'deflate-raw': zlib.deflateRawSync(html),
            zstd: zlib.zstdCompressSync(html),
          };
          response
            .writeHead(200, {
              'content-type': 'text/html; charset=utf-8',
              'content-encoding': second === 'deflate-raw' ? 'deflate' : (second ?? ''),
            })
            .end(encoded[second ?? '']);
          return;
        }
        case 'gbk-meta':
          response.writeHead(200, { 'content-type': 'text/html' }).end(gbkPage('<meta charset="gbk">'));
          return;
        case 'gbk-http-equiv':
          response
            .writeHead(200, { 'content-type': 'text/html' })
            .end(gbkPage('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'));
          return;
        case 'gbk-header':
          response.writeHead(200, { 'content-type': 'text/html; charset=GBK' }).end(gbkPage(''));
          return;
        case 'bom':
          // The header is wrong; the byte order mark is not (browsers believe the BOM).
          response
            .writeHead(200, { 'content-type': 'text/html; charset=gbk' })
            .end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>价格 ok</p>')]));
          return;
        case 'chain': {
          const hop = Number(second);
          if (hop < 3) {
            response
              .writeHead(hop === 1 ? 301 : 302, {
                location: `/chain/${hop + 1}`,
                'set-cookie': `hop${hop}=${hop}; Path=/; HttpOnly`,
              })
              .end();
          } else {
            response
              .writeHead(200, { 'content-type': 'text/html' })
              .end(`<p>cookies: ${request.headers.cookie ?? ''}</p>`);
          }
          return;
        }
        case 'loop':
          response.writeHead(302, { location: '/loop' }).end();
          return;
        case 'to-internal':
          response.writeHead(302, { location: `${internal.origin}/admin` }).end();
          return;
        case 'to-metadata':
          response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        case 'to-localhost-name':
          response.writeHead(302, { location: `http://localhost:${internal.port}/` }).end();
          return;
        default:
          response.writeHead(404).end();
      }
    });
    options = { urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] }, navigationTimeoutMs: 5000 };
  });
  const bigBodyFinished: boolean[] = [];

  after(async () => {
    await shop.stop();
    await internal.stop();
  });

  it('reads a page and says where it was read, with what encoding and size', async () => {
    const page = await new HttpSession(options).fetchPage(`${shop.origin}/page`);
    assert.equal(page.status, 200);
    assert.equal(page.html, PAGE);
    assert.equal(page.url, `${shop.origin}/page`);
    assert.equal(page.encoding, 'utf-8');
    assert.deepEqual(page.redirects, []);
    assert.equal(page.bodyBytes, Buffer.byteLength(PAGE));
  });

  describe('failure classes, as in the browser path', () => {
    for (const [status, failureClass] of [
      [403, 'blocked'],
      [429, 'blocked'],
      [404, 'permanent'],
      [410, 'permanent'],
      [500, 'transient'],
      [502, 'transient'],
      [503, 'transient'],
      [408, 'transient'],
    ] as const) {
      it(`HTTP ${status} is ${failureClass}`, async () => {
        const failure = await failureOf(
          new HttpSession(options).fetchPage(`${shop.origin}/status/${status}`),
        );
        assert.equal(failure.failure.failureClass, failureClass);
        assert.equal(failure.failure.reason, `http-${status}`);
      });
    }

    it('a connection refused is transient', async () => {
      const closed = await startServer(() => undefined);
      await closed.stop();
      const failure = await failureOf(
        new HttpSession({ urlCheck: { allowHosts: [`127.0.0.1:${closed.port}`] } }).fetchPage(
          `${closed.origin}/`,
        ),
      );
      assert.equal(failure.failure.failureClass, 'transient');
      assert.equal(failure.failure.reason, 'network-econnrefused');
    });
  });

  describe('timeouts', () => {
    it('a server that never answers is a transient timeout', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, navigationTimeoutMs: 300 }).fetchPage(`${shop.origin}/hang`),
      );
      assert.equal(failure.failure.failureClass, 'transient');
      assert.equal(failure.failure.reason, 'timeout');
      assert.match(failure.message, /requesting/);
    });

    it('a body that never ends is a transient timeout too', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, navigationTimeoutMs: 300 }).fetchPage(`${shop.origin}/hang-body`),
      );
      assert.equal(failure.failure.reason, 'timeout');
      assert.match(failure.message, /reading/);
    });
  });

  describe('the response size cap', () => {
    it('stops reading a body past the cap and fails the page for good, naming the setting', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, maxResponseBytes: 1024 * 1024 }).fetchPage(`${shop.origin}/big`),
      );
      assert.equal(failure.failure.failureClass, 'permanent');
      assert.equal(failure.failure.reason, 'response-too-large');
      assert.match(failure.message, /SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES/);
      await waitFor(() => bigBodyFinished.length === 1);
      assert.deepEqual(bigBodyFinished, [false], 'the server was cut off before it sent the whole body');
    });

    it('refuses a body whose Content-Length is past the cap without reading it', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, maxResponseBytes: 1024 * 1024 }).fetchPage(
          `${shop.origin}/declared-big`,
        ),
      );
      assert.equal(failure.failure.reason, 'response-too-large');
      assert.match(failure.message, /declares 8388608 bytes/);
    });

    it('stops decompressing a small body that decodes past the cap', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, maxResponseBytes: 1024 * 1024 }).fetchPage(`${shop.origin}/bomb`),
      );
      assert.equal(failure.failure.reason, 'response-too-large');
      assert.match(failure.message, /gzip body decodes to/);
    });
  });

  describe('content codings', () => {
    for (const coding of ['gzip', 'br', 'deflate', 'deflate-raw', 'zstd']) {
      it(`decodes a ${coding} body`, async () => {
        const page = await new HttpSession(options).fetchPage(`${shop.origin}/encoded/${coding}`);
        assert.equal(page.html, PAGE.repeat(50));
        assert.ok(
          page.wireBytes < page.bodyBytes,
          `${page.wireBytes} bytes on the wire for ${page.bodyBytes}`,
        );
      });
    }

    it('asks for the codings it decodes', async () => {
      await new HttpSession(options).fetchPage(`${shop.origin}/page`);
      assert.equal(shop.requests.at(-1)?.headers['accept-encoding'], 'gzip, deflate, br, zstd');
    });
  });

  describe('charsets', () => {
    for (const [route, source] of [
      ['gbk-meta', '<meta charset>'],
      ['gbk-http-equiv', '<meta http-equiv> naming GB2312'],
      ['gbk-header', 'the Content-Type header'],
    ] as const) {
      it(`decodes a GBK page declared by ${source}`, async () => {
        const page = await new HttpSession(options).fetchPage(`${shop.origin}/${route}`);
        assert.equal(page.encoding, 'gbk');
        assert.match(page.html, /<title>测试商品<\/title>/);
        assert.match(page.html, /<h1>你好<\/h1><span class="price">价格 12.50<\/span>/);
      });
    }

    it('believes a byte order mark over the header', async () => {
      const page = await new HttpSession(options).fetchPage(`${shop.origin}/bom`);
      assert.equal(page.encoding, 'utf-8');
      assert.equal(page.html, '<p>价格 ok</p>');
    });
  });

  describe('redirects and cookies', () => {
    it('follows a redirect chain within the hop limit, carrying the cookies each hop set', async () => {
      const session = new HttpSession(options);
      const before = shop.requests.length;
      const page = await session.fetchPage(`${shop.origin}/chain/1`);
      assert.deepEqual(page.redirects, [`${shop.origin}/chain/2`, `${shop.origin}/chain/3`]);
      assert.equal(page.url, `${shop.origin}/chain/3`);
      assert.equal(page.html, '<p>cookies: hop1=1; hop2=2</p>');
      assert.deepEqual(
        shop.requests.slice(before).map((request) => [request.path, request.headers.cookie]),
        [
          ['/chain/1', undefined],
          ['/chain/2', 'hop1=1'],
          ['/chain/3', 'hop1=1; hop2=2'],
        ],
      );
    });

    it('keeps cookies for the run only: the next page of the session has them, another session not', async () => {
      const session = new HttpSession(options);
      await session.fetchPage(`${shop.origin}/chain/1`);
      await session.fetchPage(`${shop.origin}/page`);
      assert.equal(shop.requests.at(-1)?.headers.cookie, 'hop1=1; hop2=2');
      await new HttpSession(options).fetchPage(`${shop.origin}/page`);
      assert.equal(shop.requests.at(-1)?.headers.cookie, undefined);
    });

    it('fails a redirect chain past the hop limit as transient, like the browser', async () => {
      const failure = await failureOf(
        new HttpSession({ ...options, maxRedirects: 1 }).fetchPage(`${shop.origin}/chain/1`),
      );
      assert.equal(failure.failure.failureClass, 'transient');
      assert.equal(failure.failure.reason, 'too-many-redirects');
      const loop = await failureOf(new HttpSession(options).fetchPage(`${shop.origin}/loop`));
      assert.equal(loop.failure.reason, 'too-many-redirects');
    });

    for (const [route, refused] of [
      ['to-internal', 'a loopback server that is not allow-listed'],
      ['to-metadata', 'the instance metadata address'],
      ['to-localhost-name', 'localhost by name'],
    ] as const) {
      it(`refuses a redirect to ${refused}, and never connects there`, async () => {
        const reached = internal.requests.length;
        await assert.rejects(
          new HttpSession(options).fetchPage(`${shop.origin}/${route}`),
          (error: unknown) =>
            error instanceof BlockedUrlError &&
            /not a public (address|site)/.test(error.reason) &&
            error.reason.includes(`a redirect from ${shop.origin}/${route}`),
        );
        assert.equal(internal.requests.length, reached);
      });
    }
  });

  describe('the per-domain budget', () => {
    it('takes a token for every request, redirect hops included, before sending it', async () => {
      const taken: [string, number][] = [];
      const session = new HttpSession({
        ...options,
        takeBudget: (domain) => {
          taken.push([domain, shop.requests.length]);
          return Promise.resolve();
        },
      });
      const before = shop.requests.length;
      await session.fetchPage(`${shop.origin}/chain/1`);
      assert.deepEqual(taken, [
        ['127.0.0.1', before],
        ['127.0.0.1', before + 1],
        ['127.0.0.1', before + 2],
      ]);
    });

    it('does not count a budget wait in the page timeout', async () => {
      const page = await new HttpSession({
        ...options,
        navigationTimeoutMs: 200,
        takeBudget: () => new Promise((resolve) => setTimeout(resolve, 400)),
      }).fetchPage(`${shop.origin}/chain/1`);
      assert.equal(page.html, '<p>cookies: hop1=1; hop2=2</p>');
    });

    it('sends nothing when the budget refuses', async () => {
      const before = shop.requests.length;
      const overBudget = new Error('over budget: hand the run back');
      await assert.rejects(
        new HttpSession({ ...options, takeBudget: () => Promise.reject(overBudget) }).fetchPage(
          `${shop.origin}/page`,
        ),
        (error: unknown) => error === overBudget,
      );
      assert.equal(shop.requests.length, before);
    });
  });

  describe('headers', () => {
    it('sends the run user agent with the headers and order of that browser (no client hints over http)', async () => {
      await new HttpSession({ ...options, userAgent: CHROME, acceptLanguage: 'de-DE,de;q=0.9' }).fetchPage(
        `${shop.origin}/page`,
      );
      const raw = shop.requests.at(-1)?.rawHeaders ?? [];
      const names = raw.filter((_value, index) => index % 2 === 0);
      assert.deepEqual(names, [
        'Host',
        'Connection',
        'Upgrade-Insecure-Requests',
        'User-Agent',
        'Accept',
        'Accept-Encoding',
        'Accept-Language',
      ]);
      const headers = shop.requests.at(-1)?.headers;
      assert.equal(headers?.['user-agent'], CHROME);
      assert.equal(headers?.['accept-language'], 'de-DE,de;q=0.9');
      assert.equal(headers?.host, `127.0.0.1:${shop.port}`);
    });
  });
});

describe('DNS pinning', () => {
  let first: TestServer;
  let second: TestServer;

  before(async () => {
    first = await startServer((_request, response) => response.end('<p>first address</p>'), '127.0.0.1');
    // The same port on another loopback address: only the address tells the two apart.
    second = await startServer(
      (_request, response) => response.end('<p>second address</p>'),
      '127.0.0.2',
      first.port,
    );
  });

  after(async () => {
    await first.stop();
    await second.stop();
  });

  it('connects to the address the guard checked, never resolving the name again', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    const asked: string[] = [];
    const resolve = (host: string) => {
      asked.push(host);
      // Whoever asks after the check gets the other address (a rebinding DNS server).
      return Promise.resolve([answers[Math.min(asked.length - 1, 1)] as string]);
    };
    const session = new HttpSession({
      urlCheck: { resolve, allowHosts: [`shop.test:${first.port}`] },
      navigationTimeoutMs: 5000,
    });
    const page = await session.fetchPage(`http://shop.test:${first.port}/p`);
    assert.equal(page.html, '<p>first address</p>');
    assert.deepEqual(asked, ['shop.test'], 'one lookup: the guard’s');
    assert.equal(
      first.requests.at(-1)?.headers.host,
      `shop.test:${first.port}`,
      'the Host header stays the name',
    );
    assert.equal(second.requests.length, 0);

    // The next page is checked again, and goes where that check says.
    const next = await session.fetchPage(`http://shop.test:${first.port}/q`);
    assert.equal(next.html, '<p>second address</p>');
    assert.deepEqual(asked, ['shop.test', 'shop.test']);
  });

  it('refuses a name that resolves to a private address without connecting', async () => {
    const resolve = () => Promise.resolve(['127.0.0.1']);
    const before = first.requests.length;
    await assert.rejects(
      new HttpSession({ urlCheck: { resolve } }).fetchPage(`http://rebound.test:${first.port}/`),
      BlockedUrlError,
    );
    assert.equal(first.requests.length, before);
  });
});

describe('over HTTPS', () => {
  let folder: string;
  let certificate: string;
  let port: number;
  let server: Server;
  const seen: { servername: string | false | null; headers: IncomingMessage['headers'] }[] = [];

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-tls-'));
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem')],
        ...['-days', '1', '-subj', '/CN=shop.test', '-addext', 'subjectAltName=DNS:shop.test'],
      ],
      { stdio: 'ignore' },
    );
    certificate = readFileSync(path.join(folder, 'cert.pem'), 'utf8');
    server = createHttpsServer(
      { key: readFileSync(path.join(folder, 'key.pem')), cert: certificate },
      (request, response) => {
        seen.push({ servername: (request.socket as TLSSocket).servername, headers: request.headers });
        response.end('<p>secure</p>');
      },
    );
    port = await listen(server, '127.0.0.1');
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  const sessionFor = (extra: HttpSessionOptions = {}) =>
    new HttpSession({
      urlCheck: { resolve: () => Promise.resolve(['127.0.0.1']), allowHosts: [`shop.test:${port}`] },
      trustedCertificates: certificate,
      userAgent: CHROME,
      ...extra,
    });

  it('pins the address but keeps the host name for SNI and the certificate check', async () => {
    const page = await sessionFor().fetchPage(`https://shop.test:${port}/`);
    assert.equal(page.html, '<p>secure</p>');
    assert.equal(seen.at(-1)?.servername, 'shop.test');
  });

  it('sends client hints and fetch metadata to https origins', async () => {
    await sessionFor().fetchPage(`https://shop.test:${port}/`);
    const headers = seen.at(-1)?.headers ?? {};
    assert.equal(headers['sec-ch-ua'], '"Google Chrome";v="151", "Chromium";v="151", "Not_A Brand";v="24"');
    assert.equal(headers['sec-ch-ua-platform'], '"Linux"');
    assert.equal(headers['sec-fetch-mode'], 'navigate');
  });

  it('refuses a certificate that does not name the host, as a transient network failure', async () => {
    const failure = await failureOf(
      new HttpSession({
        urlCheck: { resolve: () => Promise.resolve(['127.0.0.1']), allowHosts: [`other.test:${port}`] },
        trustedCertificates: certificate,
      }).fetchPage(`https://other.test:${port}/`),
    );
    assert.equal(failure.failure.failureClass, 'transient');
    assert.equal(failure.failure.reason, 'network-err_tls_cert_altname_invalid');
  });

  it('goes through an HTTP CONNECT proxy, tunnelled to the checked address', async () => {
    const proxy = await startConnectProxy();
    try {
      const page = await sessionFor({
        proxy: { url: proxy.url, username: 'scraper', password: 'pr0xy' },
      }).fetchPage(`https://shop.test:${port}/`);
      assert.equal(page.html, '<p>secure</p>');
      assert.deepEqual(proxy.tunnels, [`127.0.0.1:${port}`]);
      assert.equal(seen.at(-1)?.servername, 'shop.test');
    } finally {
      await proxy.stop();
    }
  });
});

describe('outbound proxies', () => {
  let shop: TestServer;
  const resolve = () => Promise.resolve(['127.0.0.1']);

  before(async () => {
    shop = await startServer((request, response) => response.end(`<p>${request.headers.host ?? ''}</p>`));
  });
  after(() => shop.stop());

  const sessionFor = (proxy: HttpSessionOptions['proxy']) =>
    new HttpSession({
      urlCheck: { resolve, allowHosts: [`shop.test:${shop.port}`] },
      ...(proxy ? { proxy } : {}),
    });

  it('asks an HTTP proxy for a tunnel to the checked address, with the secret’s credentials', async () => {
    const proxy = await startConnectProxy();
    try {
      const page = await sessionFor({ url: proxy.url, username: 'scraper', password: 'pr0xy' }).fetchPage(
        `http://shop.test:${shop.port}/`,
      );
      assert.equal(page.html, `<p>shop.test:${shop.port}</p>`);
      assert.deepEqual(proxy.tunnels, [`127.0.0.1:${shop.port}`]);
    } finally {
      await proxy.stop();
    }
  });

  it('a proxy refusing the credentials is a transient failure', async () => {
    const proxy = await startConnectProxy();
    try {
      const failure = await failureOf(
        sessionFor({ url: proxy.url, username: 'scraper', password: 'wrong' }).fetchPage(
          `http://shop.test:${shop.port}/`,
        ),
      );
      assert.equal(failure.failure.failureClass, 'transient');
      assert.equal(failure.failure.reason, 'proxy-refused');
      assert.match(failure.message, /HTTP 407/);
      assert.deepEqual(proxy.tunnels, []);
    } finally {
      await proxy.stop();
    }
  });

  it('goes through a SOCKS5 proxy with username and password, to the checked address', async () => {
    const proxy = await startSocksProxy();
    try {
      const page = await sessionFor({
        url: proxy.url,
        username: 'scraper',
        password: 'pr0xy',
      }).fetchPage(`http://shop.test:${shop.port}/`);
      assert.equal(page.html, `<p>shop.test:${shop.port}</p>`);
      assert.deepEqual(proxy.targets, [`127.0.0.1:${shop.port}`]);
    } finally {
      await proxy.stop();
    }
  });
});

/** An HTTP proxy that opens CONNECT tunnels for `scraper:pr0xy` only, recording each target. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; stop(): Promise<void> }> {
  const tunnels: string[] = [];
  const expected = `Basic ${Buffer.from('scraper:pr0xy').toString('base64')}`;
  const server = createServer((_request, response) => response.writeHead(405).end());
  const sockets = new Set<Socket>();
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    if (request.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    tunnels.push(request.url ?? '');
    const [host = '', port = ''] = (request.url ?? '').split(/:(?=\d+$)/);
    const upstream = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 username/password `scraper:pr0xy`), recording targets. */
async function startSocksProxy(): Promise<{ url: string; targets: string[]; stop(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    let stage = 'greeting';
    client.on('data', function handshake(chunk: Buffer) {
      if (stage === 'greeting') {
        client.write(Buffer.from([5, chunk.subarray(2).includes(2) ? 2 : 0xff]));
        stage = 'auth';
      } else if (stage === 'auth') {
        const userLength = chunk[1] ?? 0;
        const user = chunk.subarray(2, 2 + userLength).toString();
        const password = chunk
          .subarray(3 + userLength, 3 + userLength + (chunk[2 + userLength] ?? 0))
          .toString();
        const ok = user === 'scraper' && password === 'pr0xy';
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) client.end();
        stage = 'connect';
      } else {
        client.off('data', handshake);
        const address = [...chunk.subarray(4, 8)].join('.');
        const port = chunk.readUInt16BE(8);
        targets.push(`${address}:${port}`);
        const upstream = netConnect(port, address, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client).pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy());
      }
    });
  });
  const port = await listen(server, '127.0.0.1');
  return {
    url: `socks5://127.0.0.1:${port}`,
    targets,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
