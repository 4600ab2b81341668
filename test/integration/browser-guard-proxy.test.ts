/**
 * Real Chromium behind the SSRF guard proxy: a page on an allow-listed loopback host whose
 * stylesheet (and a redirect) name a host that resolves to a private address. Chromium's own
 * resolver is told the same lie (`--host-resolver-rules`), so without the guard the request does
 * reach the private server — the control below proves it — and with the guard it never does.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import type { Extractor } from '../../shared/scraping/extractors/index.ts';
import { BlockedUrlError, PageFailure, type Resolver } from '../../shared/scraping/index.ts';
import { loadRunPage } from '../../shared/scraping/read-run-page.ts';
import type { Run } from '../../shared/runs/index.ts';

const PRIVATE_NAME = 'assets.rebind.test';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('Chromium behind the SSRF guard proxy', () => {
  const privateHits: string[] = [];
  const pageHits: string[] = [];
  let privateServer: Server;
  let pageServer: Server;
  let privatePort: number;
  let pagePort: number;
  /** The attacker's DNS: the asset host is the "internal" server on loopback. */
  const resolve: Resolver = (host) =>
    host === PRIVATE_NAME ? Promise.resolve(['127.0.0.1']) : Promise.reject(new Error(`ENOTFOUND ${host}`));
  const chromiumResolverRules = () => [`--host-resolver-rules=MAP ${PRIVATE_NAME} 127.0.0.1`];

  before(async () => {
    privateServer = createServer((request, response) => {
      privateHits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/css' }).end('body { color: red }');
    });
    privatePort = await listen(privateServer);
    pageServer = createServer((request, response) => {
      pageHits.push(request.url ?? '');
      if (request.url === '/product') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<!doctype html><html><head>
          <link rel="stylesheet" href="/own.css">
          <link rel="stylesheet" href="http://${PRIVATE_NAME}:${privatePort}/internal.css">
          </head><body><h1 id="title">Electric kettle 1.7 l</h1></body></html>`);
      } else if (request.url === '/own.css') {
        response.writeHead(200, { 'content-type': 'text/css' }).end('h1 { color: green }');
      } else if (request.url === '/moved') {
        response.writeHead(302, { location: `http://${PRIVATE_NAME}:${privatePort}/admin` }).end();
      } else if (request.url === '/moved-tls') {
        response.writeHead(302, { location: `https://${PRIVATE_NAME}:${privatePort}/admin` }).end();
      } else if (request.url === '/forbidden') {
        response.writeHead(403, { 'content-type': 'text/html' }).end('<!doctype html><p>Access denied</p>');
      } else {
        response.writeHead(404).end();
      }
    });
    pagePort = await listen(pageServer);
  });
  after(async () => {
    await close(privateServer);
    await close(pageServer);
  });

  const readTitle = (host: BrowserHost) =>
    host.withPage({}, async (page) => {
      await page.goto(`http://127.0.0.1:${pagePort}/product`, { waitUntil: 'load' });
      return page.$eval('#title', (element) => element.textContent);
    });

  it('control: without the guard, a stylesheet on a name that resolves to loopback reaches it', async () => {
    const host = new BrowserHost({ extraArgs: chromiumResolverRules() });
    privateHits.length = 0;
    try {
      assert.equal(await readTitle(host), 'Electric kettle 1.7 l');
      assert.deepEqual(privateHits, ['/internal.css'], 'the test can see a leak');
      assert.equal(host.stats().guardedRequests, 0);
    } finally {
      await host.close();
    }
  });

  it('with the guard, the allow-listed page loads and the private server sees no request', async () => {
    const host = new BrowserHost({
      extraArgs: chromiumResolverRules(),
      urlCheck: { allowHosts: [`127.0.0.1:${pagePort}`], resolve },
    });
    privateHits.length = 0;
    pageHits.length = 0;
    try {
      assert.equal(await readTitle(host), 'Electric kettle 1.7 l');
      assert.ok(pageHits.includes('/product') && pageHits.includes('/own.css'), pageHits.join(', '));
      assert.deepEqual(privateHits, []);
      assert.equal(host.stats().blockedRequests, 1, 'the guard’s refusal is counted');
      assert.ok(host.stats().guardedRequests >= 2, 'the page and its own stylesheet went through the guard');

      // A redirect to the private name is refused too: the navigation never reaches it.
      const status = await host.withPage({}, async (page) => {
        const response = await page.goto(`http://127.0.0.1:${pagePort}/moved`).catch(() => null);
        return response?.status();
      });
      assert.notEqual(status, 200);
      assert.deepEqual(privateHits, []);
      const blocked = host.stats().blockedRequests;
      assert.equal(blocked, 2);

      // The guard stops with the browser; its refusals stay counted.
      await host.close();
      assert.equal(host.stats().blockedRequests, blocked);
    } finally {
      await host.close();
    }
  });

  it('a run page whose redirect the guard refuses fails as URL_BLOCKED, naming the redirect; a 403 page does not', async () => {
    const urlCheck = { allowHosts: [`127.0.0.1:${pagePort}`], resolve };
    const host = new BrowserHost({ extraArgs: chromiumResolverRules(), urlCheck });
    privateHits.length = 0;
    // Only the URL and the guard's options matter before the page loads.
    const load = (path: string) =>
      host.withPage({}, (page) =>
        loadRunPage(page, {
          url: `http://127.0.0.1:${pagePort}${path}`,
          urlCheck,
          pageNumber: 1,
          run: {} as Run,
          extractor: {} as Extractor,
        }),
      );
    try {
      for (const path of ['/moved', '/moved-tls']) {
        await assert.rejects(load(path), (error: unknown) => {
          assert.ok(error instanceof BlockedUrlError, `${path}: ${String(error)}`);
          assert.equal(error.code, 'URL_BLOCKED');
          assert.match(
            error.message,
            new RegExp(`a redirect from http://127\\.0\\.0\\.1:${pagePort}${path}`),
          );
          assert.match(error.message, new RegExp(PRIVATE_NAME.replaceAll('.', '\\.')));
          return true;
        });
      }
      assert.deepEqual(privateHits, []);
      // A page that answers 403 itself is the site's answer (a block), not the guard's.
      await assert.rejects(load('/forbidden'), (error: unknown) => {
        assert.ok(error instanceof PageFailure, String(error));
        return true;
      });
    } finally {
      await host.close();
    }
  });

  it('a loopback address that is not allow-listed is refused: loopback does not bypass the guard', async () => {
    const host = new BrowserHost({ urlCheck: { allowHosts: [`127.0.0.1:${pagePort}`], resolve } });
    privateHits.length = 0;
    try {
      const status = await host.withPage({}, async (page) => {
        const response = await page.goto(`http://127.0.0.1:${privatePort}/admin`).catch(() => null);
        return response?.status();
      });
      assert.notEqual(status, 200);
      assert.deepEqual(privateHits, []);
    } finally {
      await host.close();
    }
  });
});
