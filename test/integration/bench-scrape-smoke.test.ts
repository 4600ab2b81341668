/**
 * `npm run bench:scrape` at a tiny size: it completes, finds that all five engines (the four
 * contenders and the DynamoDB floor) read the same items, and prints a line of figures and of CPU
 * for each engine, the ratios and the cost per mode. What the figures are is the benchmark's business, never the test's.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const BENCH = fileURLToPath(new URL('../../bench/scrape.ts', import.meta.url));
const NUMBER = String.raw`\d+(?:\.\d+)?`;

describe('the scrape benchmark', () => {
  it('reads 2 listings × 2 pages with all five engines, checks they read the same, and prints figures, ratios and costs', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BENCH, '--listings', '2', '--pages', '2', '--concurrency', '2', '--rounds', '1'],
      { timeout: 290_000, maxBuffer: 10 * 1024 * 1024 },
    );
    for (const engine of [
      'shelfwatch-http',
      'cheerio',
      'shelfwatch-browser',
      'puppeteer',
      'dynamodb-floor',
    ]) {
      const line = new RegExp(
        `^round 1  ${engine}\\s+pages 4  items 80  scrape ${NUMBER} s  ${NUMBER} pages/min  ` +
          `peak RSS ${NUMBER} MiB \\(node ${NUMBER} MiB, \\d+ processes\\)  ` +
          `cold start→first item \\d+ ms  shop served 4 pages\\n` +
          // The engines that write to DynamoDB Local also say what it spent.
          `        CPU a page: node ${NUMBER} ms` +
          (engine === 'cheerio' || engine === 'puppeteer'
            ? '$'
            : `, DynamoDB Local ${NUMBER} ms \\(together ${NUMBER} ms\\)$`),
        'm',
      );
      assert.match(stdout, line, `no figures for ${engine} in:\n${stdout}`);
    }
    assert.match(stdout, /^round 1 {2}readings: all 5 engines read the same 80 items /m);
    assert.match(
      stdout,
      new RegExp(
        `^  CPU a page at 1\\.3× CheerioCrawler's pages/min on \\d+ cores: ${NUMBER} ms in all; ` +
          `saving a page's items takes ${NUMBER} ms .*, CheerioCrawler's fetch and parse ${NUMBER} ms: together (over|within) it`,
        'm',
      ),
      `no CPU budget line in:\n${stdout}`,
    );
    for (const line of [
      'DynamoDB floor ÷ CheerioCrawler, pages/min',
      'HTTP mode ÷ DynamoDB floor, pages/min',
    ]) {
      assert.match(stdout, new RegExp(`^  ${line}\\s+${NUMBER}×  \\S`, 'm'), `no ${line} in:\n${stdout}`);
    }
    for (const ratio of [
      'HTTP mode ÷ CheerioCrawler, pages/min',
      'HTTP mode ÷ CheerioCrawler, peak RSS',
      'HTTP mode ÷ PuppeteerCrawler, pages/min',
      'browser mode ÷ PuppeteerCrawler, pages/min',
    ]) {
      assert.match(
        stdout,
        new RegExp(`^  ${ratio}\\s+${NUMBER}×  target [≥≤] ${NUMBER}×\\s+(met|NOT met)$`, 'm'),
        `no ${ratio} ratio in:\n${stdout}`,
      );
    }
    for (const mode of ['shelfwatch-http', 'shelfwatch-browser']) {
      assert.match(
        stdout,
        new RegExp(`^  ${mode}\\s+.* MB (x86_64|arm64) .*= \\$${NUMBER} per 1,000 pages$`, 'm'),
        `no cost of ${mode} in:\n${stdout}`,
      );
    }
    assert.doesNotMatch(stdout, /INVALID/);
  });
});
