/**
 * The browser's outbound proxy: requests go through it (loopback included once a proxy is set),
 * with the credentials from the proxy secret, and each run keeps one user agent from the list.
 * The SSRF guard proxy steps aside then: the operator's proxy resolves names in its own network.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { RunScraper } from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { createRun, messageOf } from '../helpers/runs.ts';

const CREDENTIALS = { username: 'scraper', password: 'pr0xy-s3cret' };
const USER_AGENTS = ['ShelfwatchTest/1.0 (agent one)', 'ShelfwatchTest/1.0 (agent two)'];

interface Seen {
  readonly url: string;
  readonly userAgent: string | undefined;
}

/** A minimal HTTP forward proxy that demands Basic credentials (407 until it gets them). */
async function startProxy(): Promise<{ url: string; seen: Seen[]; stop(): Promise<void> }> {
  const seen: Seen[] = [];
  const expected = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;
  const server: Server = createServer((request, response) => {
    if (request.headers['proxy-authorization'] !== expected) {
      response.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(request.url ?? '');
    seen.push({ url: target.href, userAgent: request.headers['user-agent'] });
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(target, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('scraping through the configured proxy', () => {
  const local = useLocalInfrastructure({ stage: 'proxy' });
  let shop: DemoShop;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let host: BrowserHost;

  before(async () => {
    shop = await startDemoShop();
    proxy = await startProxy();
    host = new BrowserHost({
      resolveProxy: () => Promise.resolve({ server: proxy.url, ...CREDENTIALS }),
      // As createRunScraper passes it: with an operator proxy, the guard proxy is not put in front.
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
    });
  });
  after(async () => {
    await host.close();
    await proxy.stop();
    await shop.stop();
  });

  it('sends every page through the proxy with its credentials, one user agent per run', async () => {
    const { clients, resources } = local();
    const runs = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 1,
    });
    const scraper = new RunScraper({
      runs,
      items: new ItemStore({ documents: clients.documents, tableName: resources.tables.items }),
      definitions: { recordSuccess: () => Promise.resolve() },
      budget: { take: () => Promise.resolve({ granted: true }) },
      browser: host,
      itemRetentionDays: 1,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: () => `${shop.url}/amazon/com`,
      userAgents: USER_AGENTS,
    });
    const run = await createRun(runs, {
      id: 'proxied-kettles',
      crawlType: 'search_result',
      target: 'kettle',
      params: { maxPages: 2, maxItems: 100 },
      // The browser's proxy is what this test is about (HTTP runs' proxy: http-fetch.test.ts).
      fetchMode: 'browser',
    });
    const outcome = await scraper.scrape(messageOf(run), { owner: 'proxy-test', remainingMs: () => 300_000 });
    assert.equal(outcome.kind, 'succeeded', JSON.stringify(outcome));
    const pages = proxy.seen.filter((request) => request.url.includes('/amazon/com/s'));
    assert.equal(pages.length, 2, 'both pages went through the proxy');
    assert.equal(shop.requests.filter((path) => path.startsWith('/amazon/com/s')).length, 2);
    const agents = new Set(pages.map((request) => request.userAgent));
    assert.equal(agents.size, 1, 'one user agent for the whole run');
    assert.ok(USER_AGENTS.includes([...agents][0] as string));
  });
});
