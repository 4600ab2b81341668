/** The benchmark's printout: one line per engine and round, the ratios, and the fairness notes. */
import type { Engine } from './job.ts';
import type { EngineMeasurement } from './measure-engine.ts';

const MIB = 1024 * 1024;
const PAGES_TARGET = 1.5;
const MEMORY_TARGET = 0.7;

export function printMeasurement(
  round: number,
  measured: EngineMeasurement,
  shopPages: number,
  lanes: number,
): void {
  const { memory } = measured;
  console.log(
    [
      `round ${round}`,
      measured.engine.padEnd(10),
      `pages ${measured.pages}`,
      `items ${measured.items}`,
      `scrape ${(measured.scrapeMs / 1000).toFixed(2)} s`,
      `${measured.pagesPerMinute.toFixed(1)} pages/min`,
      `peak RSS ${(memory.peakTreeBytes / MIB).toFixed(1)} MiB` +
        ` (node ${(memory.peakRootBytes / MIB).toFixed(1)} MiB, ${memory.peakProcesses} processes)`,
      `cold start→first item ${measured.coldStartMs} ms`,
      `shop served ${shopPages} pages`,
    ].join('  '),
  );
  if (!measured.profile) return;
  const operations = Object.entries(measured.profile).sort(([a], [b]) => a.localeCompare(b));
  const requests = operations.reduce((sum, [, operation]) => sum + operation.requests, 0);
  const waitedMs = operations.reduce((sum, [, operation]) => sum + operation.ms, 0);
  console.log(
    `        DynamoDB: ${requests} requests (${(requests / Math.max(1, measured.pages)).toFixed(1)} a page), ` +
      operations
        .map(
          ([name, operation]) =>
            `${name} ${operation.requests} (${(operation.ms / operation.requests).toFixed(1)} ms each)`,
        )
        .join(', ') +
      `; ${((100 * waitedMs) / (lanes * measured.scrapeMs)).toFixed(0)}% of the ${lanes} lanes' time`,
  );
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

export function printRatios(rounds: readonly Record<Engine, EngineMeasurement>[]): void {
  const ratio = (of: (m: EngineMeasurement) => number) =>
    median(rounds.map((round) => of(round.shelfwatch) / of(round.crawlee)));
  const pages = ratio((m) => m.pagesPerMinute);
  const memory = ratio((m) => m.memory.peakTreeBytes);
  const coldStart = ratio((m) => m.coldStartMs);
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const over = rounds.length > 1 ? ` (median of ${rounds.length} rounds)` : '';
  console.log(`Shelfwatch ÷ Crawlee${over}:`);
  console.log(
    `  pages/min   ${pages.toFixed(2)}×  target ≥ ${PAGES_TARGET}×  ${verdict(pages >= PAGES_TARGET)}`,
  );
  console.log(
    `  peak RSS    ${memory.toFixed(2)}×  target ≤ ${MEMORY_TARGET}×  ${verdict(memory <= MEMORY_TARGET)}`,
  );
  console.log(`  cold start  ${coldStart.toFixed(2)}×  (spawn → first item; below 1 is faster)`);
  const both = pages >= PAGES_TARGET && memory <= MEMORY_TARGET;
  console.log(`  target (≥ ${PAGES_TARGET}× pages/min at ≤ ${MEMORY_TARGET}× memory): ${verdict(both)}`);
}

export function printFairnessNotes(): void {
  console.log(
    [
      'Notes:',
      '- Same @sparticuz/chromium binary and the same launch flags for both (Shelfwatch’s: the',
      '  package defaults without --single-process, --disable-web-security, ' +
        '--allow-running-insecure-content,',
      '  plus its quiet flags); each library adds what it adds on its own (Crawlee: fingerprints,',
      '  one shared context; Shelfwatch: one isolated context per run, JavaScript off).',
      '- Crawlee gets Shelfwatch’s page settings: waitUntil domcontentloaded, images/media/fonts blocked,',
      '  concurrency fixed (minConcurrency = maxConcurrency).',
      '- Shelfwatch runs as in production: lease, domain budget, items and a checkpoint per page in',
      '  DynamoDB Local. Crawlee keeps items in its in-memory Dataset and writes no database: a',
      '  handicap for Shelfwatch.',
      '- Peak RSS is the child process and every descendant (Chromium); DynamoDB Local (Java) and the',
      '  demo shop run in the parent and count for neither. RSS counts shared pages once per process.',
    ].join('\n'),
  );
}
