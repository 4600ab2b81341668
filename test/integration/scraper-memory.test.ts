/**
 * Nothing leaks across runs: 200 runs through one scraper and one browser host (as in one warm
 * Lambda container) leave no context, page or listener behind, and memory stays flat — Node's
 * heap after garbage collection, and Chromium's resident memory, compared between the first and
 * the last of four rounds of 50 runs (the browser is recycled every 60 pages).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { RunScraper } from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { createRun, messageOf } from '../helpers/runs.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const ROUNDS = 4;
const RUNS_PER_ROUND = 50;
/** Not a multiple of the round, so a browser is alive (and measured) at the end of each round. */
const RECYCLE_AFTER_PAGES = 60;

/** Resident memory of a process and all its descendants (Chromium's renderers, GPU, zygote...), MiB. */
function treeRssMib(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let totalKib = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    try {
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      totalKib += Number(rss?.[1] ?? 0);
    } catch {
      continue;
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return totalKib / 1024;
}

describe('200 runs through one scraper process', () => {
  const local = useLocalInfrastructure({ stage: 'memory' });
  const host = new BrowserHost({ recycleAfterPages: RECYCLE_AFTER_PAGES });
  let shop: DemoShop;
  let runs: RunStore;
  let scraper: RunScraper;

  before(async () => {
    shop = await startDemoShop();
    const { clients, resources } = local();
    runs = new RunStore({ documents: clients.documents, tableName: resources.tables.runs, retentionDays: 1 });
    scraper = new RunScraper({
      runs,
      items: new ItemStore({ documents: clients.documents, tableName: resources.tables.items }),
      definitions: { recordSuccess: () => Promise.resolve() },
      budget: { take: () => Promise.resolve({ granted: true }) },
      browser: host,
      itemRetentionDays: 1,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: () => `${shop.url}/amazon/com`,
    });
  });
  after(async () => {
    await host.close();
    await shop.stop();
  });

  it('leaves no context, page or listener behind, and keeps memory flat', async () => {
    const heapMib: number[] = [];
    const chromiumMib: number[] = [];
    // Puppeteer listens for the process's exit and signals per live browser: the count per round
    // (one live browser each time) must not grow.
    const processListeners: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let index = 0; index < RUNS_PER_ROUND; index += 1) {
        const asin = `B0${String(round * RUNS_PER_ROUND + index).padStart(8, '0')}`;
        const run = await createRun(runs, {
          id: `product-${asin}`,
          crawlType: 'product_details',
          target: asin,
          params: { maxPages: 1, maxItems: 1 },
          // Chromium's memory is what this test is about.
          fetchMode: 'browser',
        });
        const outcome = await scraper.scrape(messageOf(run), {
          owner: 'memory-test',
          remainingMs: () => 300_000,
        });
        assert.equal(outcome.kind, 'succeeded', JSON.stringify(outcome));
      }
      assert.equal(host.stats().contextsOpen, 0);
      processListeners.push(
        ['exit', 'SIGTERM', 'SIGINT', 'SIGHUP'].reduce((sum, event) => sum + process.listenerCount(event), 0),
      );
      const pid = host.processId();
      chromiumMib.push(pid === undefined ? 0 : treeRssMib(pid));
      collectGarbage();
      heapMib.push(process.memoryUsage().heapUsed / 2 ** 20);
    }
    const stats = host.stats();
    assert.equal(stats.pagesServed, ROUNDS * RUNS_PER_ROUND);
    assert.equal(
      stats.launches,
      Math.ceil((ROUNDS * RUNS_PER_ROUND) / RECYCLE_AFTER_PAGES),
      'recycled every 60 pages',
    );
    assert.deepEqual(
      new Set(processListeners).size,
      1,
      `process listeners per round: ${processListeners.join(', ')}`,
    );
    const report = `heap MiB per round ${heapMib.map((m) => m.toFixed(1)).join(', ')}; chromium MiB ${chromiumMib
      .map((m) => m.toFixed(0))
      .join(', ')}`;
    // Flat: the last round's heap is within 15 MiB of the first's (200 runs of growth would be far more).
    assert.ok((heapMib.at(-1) as number) - (heapMib[0] as number) < 15, report);
    // Chromium, recycled every 60 pages: the last round's tree no bigger than 1.5× the first's.
    assert.ok((chromiumMib.at(-1) as number) < 1.5 * (chromiumMib[0] as number), report);
    console.log(report);
  });
});
