/**
 * One engine of `npm run bench:scrape`, in its own process so that its memory (Node and every
 * Chromium process it starts) can be measured alone:
 *
 *   node bench/scrape-worker.ts shelfwatch-http|shelfwatch-browser|cheerio|puppeteer|dynamodb-floor < job.json
 *
 * (a ScrapeJob, on stdin).
 *
 * Reports `scrape-start`, `first-item` and `done` events on stdout (bench/scrape/job.ts). The
 * engine's module is imported only here, so each process loads only its own libraries.
 */
import { text } from 'node:stream/consumers';
import {
  ENGINES,
  type Engine,
  type EngineResult,
  eventLine,
  type ScrapeJob,
  type WorkerEvent,
} from './scrape/job.ts';

const engine = ENGINES.find((name) => name === process.argv[2]);
if (!engine) {
  process.stderr.write(`usage: node bench/scrape-worker.ts ${ENGINES.join('|')} < job.json\n`);
  process.exit(2);
}
// On stdin, not in argv: a large job would pass the length limit of one argument.
const job = JSON.parse(await text(process.stdin)) as ScrapeJob;

const emit = (event: WorkerEvent) => process.stdout.write(eventLine(event));
let firstItemSeen = false;
let cpuAtStart = process.cpuUsage();
let cpuMs = 0;
const reporter = {
  scrapeDone: () => {
    const used = process.cpuUsage(cpuAtStart);
    cpuMs = (used.user + used.system) / 1000;
    return Date.now();
  },
  scrapeStart: () => {
    cpuAtStart = process.cpuUsage();
    emit({ kind: 'scrape-start', atMs: Date.now() });
  },
  firstItem: () => {
    if (firstItemSeen) return;
    firstItemSeen = true;
    emit({ kind: 'first-item', atMs: Date.now() });
  },
};

async function scrape(name: Engine): Promise<EngineResult> {
  switch (name) {
    case 'shelfwatch-http':
    case 'shelfwatch-browser': {
      const { scrapeWithShelfwatch } = await import('./scrape/shelfwatch-engine.ts');
      return scrapeWithShelfwatch(job, reporter, name === 'shelfwatch-http' ? 'http' : 'browser');
    }
    case 'cheerio': {
      const { scrapeWithCheerio } = await import('./scrape/cheerio-engine.ts');
      return scrapeWithCheerio(job, reporter);
    }
    case 'puppeteer': {
      const { scrapeWithPuppeteer } = await import('./scrape/puppeteer-engine.ts');
      return scrapeWithPuppeteer(job, reporter);
    }
    case 'dynamodb-floor': {
      const { saveLikeTheFloor } = await import('./scrape/floor-engine.ts');
      return saveLikeTheFloor(job, reporter);
    }
  }
}

const { doneAtMs, ...figures } = await scrape(engine);
emit({ kind: 'done', atMs: doneAtMs, cpuMs, ...figures });
// Crawlee leaves timers behind; the result is out, so the process ends here (stdout is a pipe:
// exitCode plus a drained write is not enough if handles stay open).
process.stdout.write('', () => process.exit(0));
