/**
 * The HTTP-only scraper loads no browser code when it runs unbundled (the local runtime, tests),
 * not only in its esbuild bundle (test/infra/bundling.test.ts): its handler is imported in a child
 * process, with the environment CDK gives it, and every module resolved is recorded. The Chromium
 * scraper's handler is imported the same way, so the pattern is known to match what it must.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { FunctionName } from '../../shared/catalogue/index.ts';
import { grantedEnvironment } from '../helpers/function-environment.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');
const BROWSER_MODULE = /\/node_modules\/(puppeteer-core|@sparticuz\/chromium)\//;

/** Records every module URL resolved while the handler is imported, then prints them as JSON. */
const RECORDER = `
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
const resolved = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});
await import(pathToFileURL(process.argv[1]).href);
process.stdout.write(JSON.stringify({ modules: [...resolved], rssBytes: process.memoryUsage().rss }));
`;

interface Loaded {
  readonly modules: readonly string[];
  readonly rssBytes: number;
}

describe('modules a scraper handler loads', () => {
  const local = useLocalInfrastructure({ stage: 'modules' });

  const loadedBy = async (name: FunctionName, entry: string): Promise<Loaded> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', RECORDER, path.join(REPOSITORY_ROOT, entry)],
      {
        cwd: REPOSITORY_ROOT,
        env: { ...grantedEnvironment(name, local().environment), PATH: process.env.PATH ?? '' },
        timeout: 120_000,
      },
    );
    return JSON.parse(stdout) as Loaded;
  };

  it('the HTTP-only handler loads no puppeteer-core or @sparticuz/chromium module; the Chromium one does', async () => {
    const http = await loadedBy('httpScraper', 'functions/http-scraper/handler.ts');
    const chromium = await loadedBy('scraper', 'functions/scraper/handler.ts');
    assert.ok(
      http.modules.some((url) => url.includes('/shared/scraping/http/')),
      'it loads the HTTP fetcher',
    );
    assert.deepEqual(
      http.modules.filter((url) => BROWSER_MODULE.test(url)),
      [],
    );
    assert.ok(
      chromium.modules.some((url) => BROWSER_MODULE.test(url)),
      'the Chromium handler loads puppeteer',
    );
    console.log(
      `modules resolved: httpScraper ${http.modules.length}, scraper ${chromium.modules.length}; ` +
        `RSS after import: httpScraper ${(http.rssBytes / 2 ** 20).toFixed(1)} MiB, ` +
        `scraper ${(chromium.rssBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  });
});
