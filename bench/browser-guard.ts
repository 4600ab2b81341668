/**
 * node bench/browser-guard.ts [pages] [concurrency]
 *
 * What the browser's SSRF guard proxy costs: the same demo-shop listing pages read in real
 * Chromium by a BrowserHost with the guard in front (every request resolved, checked and
 * forwarded by shared/scraping/browser/guard-proxy.ts) and by one without it (Chromium connects
 * itself). Prints pages per second of each and the ratio; absolute numbers depend on the
 * machine, the ratio much less. Two rounds, alternated. Bounded: a fixed number of pages on loopback, then it stops.
 */
import { startDemoShop } from '../demo-shop/index.ts';
import { mapWithConcurrency } from '../shared/concurrency/index.ts';
import { BrowserHost } from '../shared/scraping/browser/index.ts';

const [pagesArgument, concurrencyArgument] = process.argv.slice(2).map(Number);
const PAGES = pagesArgument && pagesArgument > 0 ? pagesArgument : 60;
const CONCURRENCY = concurrencyArgument && concurrencyArgument > 0 ? concurrencyArgument : 2;

const shop = await startDemoShop();
const urlOf = (index: number) => `${shop.url}/amazon/com/s?k=kettle&page=${(index % 3) + 1}`;

async function pagesPerSecond(host: BrowserHost): Promise<number> {
  const read = (index: number) =>
    host.withPage({}, async (page) => {
      const response = await page.goto(urlOf(index), { waitUntil: 'load' });
      if (response?.status() !== 200) throw new Error(`page ${urlOf(index)} answered ${response?.status()}`);
    });
  try {
    await mapWithConcurrency([...Array(6).keys()], CONCURRENCY, read); // launch and warm-up
    const started = performance.now();
    await mapWithConcurrency([...Array(PAGES).keys()], CONCURRENCY, read);
    return PAGES / ((performance.now() - started) / 1000);
  } finally {
    await host.close();
  }
}

try {
  const recycleAfterPages = PAGES + 10; // one browser per variant: launches are not what is measured
  const direct: number[] = [];
  const guarded: number[] = [];
  for (let round = 0; round < 2; round += 1) {
    // Alternated, so a machine that gets busier or quieter does not favour one side.
    direct.push(await pagesPerSecond(new BrowserHost({ recycleAfterPages })));
    guarded.push(
      await pagesPerSecond(
        new BrowserHost({ recycleAfterPages, urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] } }),
      ),
    );
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const show = (values: number[]) => values.map((value) => value.toFixed(1)).join(', ');
  console.log(`${PAGES} demo-shop listing pages × 2 rounds, concurrency ${CONCURRENCY}, real Chromium`);
  console.log(`  without the guard proxy: ${show(direct)} pages/s`);
  console.log(`  through the guard proxy: ${show(guarded)} pages/s`);
  console.log(`  guarded ÷ direct: ${(mean(guarded) / mean(direct)).toFixed(2)}`);
} finally {
  await shop.stop();
}
