/**
 * Block-page detection on real saved Amazon pages (../shared/fixtures/real-pages), in real
 * Chromium, served from loopback; no request leaves the machine.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { detectAmazonBlock } from '../../shared/scraping/extractors/amazon/block-page.ts';

const REAL_PAGES = path.resolve(import.meta.dirname, '../../../shared/fixtures/real-pages');

describe('Amazon block-page detection on real pages', () => {
  const host = new BrowserHost();
  let server: Server;
  let base: string;
  let shop: DemoShop;

  before(async () => {
    assert.ok(
      existsSync(path.join(REAL_PAGES, 'SOURCES.md')),
      `real saved pages not found at ${REAL_PAGES}: the shared/ folder must sit beside the repository`,
    );
    server = createServer((request, response) => {
      // Only the saved pages themselves; every other request (their scripts, images) gets a 404.
      const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
      let body: Buffer | undefined;
      try {
        body = /^[\w.-]+\.html$/.test(name) ? readFileSync(path.join(REAL_PAGES, name)) : undefined;
      } catch {
        body = undefined;
      }
      if (body) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    shop = await startDemoShop();
  });
  after(async () => {
    await host.close();
    await shop.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const detect = (url: string) =>
    host.withPage(
      { allowRequest: (requested) => requested.startsWith('http://127.0.0.1:') },
      async (page) => {
        const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
        assert.equal(response?.status(), 200, `${url} was not served`);
        return page.evaluate(detectAmazonBlock);
      },
    );

  it('classifies the three robot-check pages (2023-2025, English and German) as blocked', async () => {
    assert.equal(await detect(`${base}/amazon-com-captcha-1.html`), 'captcha');
    assert.equal(await detect(`${base}/amazon-de-captcha-1.html`), 'captcha');
    assert.equal(await detect(`${base}/amazon-com-captcha-2.html`), 'robot-check');
  });

  it('does not mistake product, search or best-seller pages for a block', async () => {
    for (const file of [
      'amazon-com-dp-1.html',
      'amazon-com-dp-2.html',
      'amazon-couk-dp-1.html',
      'amazon-de-dp-1.html',
      'amazon-es-dp-1.html',
      'amazon-cojp-dp-1.html',
      'amazon-de-search-1.html',
      'amazon-in-search-1.html',
      'amazon-in-bestsellers-1.html',
    ]) {
      assert.equal(await detect(`${base}/${file}`), undefined, file);
    }
  });

  it("recognizes the demo shop's captcha fault the same way", async () => {
    assert.equal(await detect(`${shop.url}/amazon/com/dp/B0CHX1W1XY?fault=captcha`), 'captcha');
    assert.equal(await detect(`${shop.url}/amazon/com/dp/B0CHX1W1XY`), undefined);
  });
});
