/**
 * `npm run bench:scrape` at a tiny size: it completes and prints a line of figures for each
 * engine and the ratios. What the figures are is the benchmark's business, never the test's.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const BENCH = fileURLToPath(new URL('../../bench/scrape.ts', import.meta.url));
const NUMBER = String.raw`\d+(?:\.\d+)?`;

describe('the scrape benchmark', () => {
  it('reads 2 listings × 2 pages with both engines and prints their figures and the ratios', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BENCH, '--listings', '2', '--pages', '2', '--concurrency', '2'],
      { timeout: 120_000, maxBuffer: 10 * 1024 * 1024 },
    );
    for (const engine of ['shelfwatch', 'crawlee']) {
      const line = new RegExp(
        `^round 1  ${engine}\\s+pages 4  items 80  scrape ${NUMBER} s  ${NUMBER} pages/min  ` +
          `peak RSS ${NUMBER} MiB \\(node ${NUMBER} MiB, \\d+ processes\\)  ` +
          `cold start→first item \\d+ ms  shop served 4 pages$`,
        'm',
      );
      assert.match(stdout, line, `no figures for ${engine} in:\n${stdout}`);
    }
    for (const ratio of ['pages/min', 'peak RSS', 'cold start'])
      assert.match(stdout, new RegExp(`^  ${ratio}\\s+${NUMBER}×`, 'm'), `no ${ratio} ratio in:\n${stdout}`);
    assert.doesNotMatch(stdout, /INVALID/);
  });
});
