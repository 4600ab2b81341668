/** The browser lifecycle on the real Lambda Chromium (@sparticuz/chromium), against a local server. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { eventually } from '../helpers/local-infrastructure.ts';

describe('the browser host on real Chromium', () => {
  const requests: string[] = [];
  let server: Server;
  let base: string;
  const host = new BrowserHost({ recycleAfterPages: 10 });

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/product') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<!doctype html><html><head><style>@font-face { font-family: x; src: url(/font.woff2); } body { font-family: x }</style></head>
          <body><h1 id="title">Electric kettle 1.7 l</h1><img src="/image.png"><video src="/clip.mp4"></video>
          <script>document.cookie = 'visited=' + (document.cookie.includes('visited') ? 'again' : 'first');
          document.body.dataset.cookie = document.cookie;</script></body></html>`);
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await host.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a page without downloading its images, media or fonts', async () => {
    requests.length = 0;
    const title = await host.withPage({}, async (page) => {
      await page.goto(`${base}/product`, { waitUntil: 'load' });
      return page.$eval('#title', (element) => element.textContent);
    });
    assert.equal(title, 'Electric kettle 1.7 l');
    assert.deepEqual(requests, ['/product'], 'nothing but the document reached the server');
    assert.ok(host.stats().blockedRequests >= 2);
  });

  it('gives every run an isolated context: no cookie crosses from one to the next', async () => {
    const read = () =>
      host.withPage({}, async (page) => {
        await page.goto(`${base}/product`);
        return page.$eval('body', (body) => body.dataset.cookie);
      });
    assert.equal(await read(), 'visited=first');
    assert.equal(await read(), 'visited=first');
  });

  it('refuses requests the guard does not allow', async () => {
    await assert.rejects(
      host.withPage({ allowRequest: (url) => !url.endsWith('/product') }, (page) =>
        page.goto(`${base}/product`),
      ),
      /ERR_BLOCKED_BY_CLIENT/,
    );
  });

  it('recycles the browser after a number of pages and leaves no context open', async () => {
    const before = host.stats();
    for (let index = 0; index < 20; index += 1) {
      await host.withPage({}, (page) => page.goto(`${base}/product`));
    }
    const after = host.stats();
    assert.equal(after.contextsOpen, 0);
    assert.ok(after.launches - before.launches >= 2, `launches ${before.launches} → ${after.launches}`);
  });

  it('relaunches after the browser process dies', async () => {
    await host.withPage({}, (page) => page.goto(`${base}/product`));
    const pid = host.processId();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await eventually(() => (host.processId() === undefined ? true : undefined), {
      what: 'the disconnect to be seen',
    });
    const title = await host.withPage({}, async (page) => {
      await page.goto(`${base}/product`);
      return page.$eval('#title', (element) => element.textContent);
    });
    assert.equal(title, 'Electric kettle 1.7 l');
  });
});
