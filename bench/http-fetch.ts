/**
 * node bench/http-fetch.ts [pages] [concurrency]
 *
 * What the HTTP page fetcher's guarantees cost: the same saved real page (gzip, as sites send it)
 * read from a loopback server by HttpSession (guard, pinning, browser headers, cookie jar, cap,
 * charset detection, one connection per request) and by Node's own fetch (undici, keep-alive, none
 * of those). Prints pages per second of each and the ratio; absolute numbers depend on the
 * machine, the ratio much less. Bounded: a fixed number of pages on loopback, then it stops.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { mapWithConcurrency } from '../shared/concurrency/index.ts';
import { HttpSession } from '../shared/scraping/http/index.ts';
import { REAL_PAGES } from '../test/helpers/static-pages.ts';

const [pagesArgument, concurrencyArgument] = process.argv.slice(2).map(Number);
const PAGES = pagesArgument && pagesArgument > 0 ? pagesArgument : 400;
const CONCURRENCY = concurrencyArgument && concurrencyArgument > 0 ? concurrencyArgument : 8;

const page = gzipSync(readFileSync(path.join(REAL_PAGES, 'amazon-com-dp-1.html')));
const server = createServer((_request, response) => {
  response
    .writeHead(200, { 'content-type': 'text/html;charset=UTF-8', 'content-encoding': 'gzip' })
    .end(page);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function pagesPerSecond(read: (index: number) => Promise<number>): Promise<number> {
  await mapWithConcurrency([...Array(20).keys()], CONCURRENCY, read); // warm-up
  const started = performance.now();
  const lengths = await mapWithConcurrency([...Array(PAGES).keys()], CONCURRENCY, read);
  const seconds = (performance.now() - started) / 1000;
  if (lengths.some((length) => length < 100_000)) throw new Error('a page came back short');
  return PAGES / seconds;
}

try {
  const session = new HttpSession({ urlCheck: { allowHosts: [new URL(origin).host] } });
  const fetcher = await pagesPerSecond(
    async (index) => (await session.fetchPage(`${origin}/p/${index}`)).html.length,
  );
  const baseline = await pagesPerSecond(
    async (index) => (await (await fetch(`${origin}/p/${index}`)).text()).length,
  );
  console.log(
    `page: amazon-com-dp-1.html, ${page.length} bytes gzip; ${PAGES} pages, concurrency ${CONCURRENCY}`,
  );
  console.log(`HttpSession           ${fetcher.toFixed(0)} pages/s`);
  console.log(`Node fetch (baseline) ${baseline.toFixed(0)} pages/s`);
  console.log(`ratio HttpSession / fetch: ${(fetcher / baseline).toFixed(2)}`);
} finally {
  server.closeAllConnections();
  server.close();
}
