import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { FUNCTIONS, type FunctionDeclaration } from '../../shared/catalogue/index.ts';
import {
  bundlingOf,
  CHROMIUM_BIN,
  lambdaPathOf,
  REPOSITORY_ROOT,
  WEB_PAGE,
} from '../../infra/constructs/functions/bundling.ts';

const COPY_CHROMIUM = 'cp -R "/in/node_modules/@sparticuz/chromium/bin" "/out/chromium-bin"';
const COPY_WEB_PAGE = 'cp -R "/in/web" "/out/web"';

const declaration = (
  flags: Pick<FunctionDeclaration, 'bundlesChromium' | 'servesWebPage'>,
): FunctionDeclaration => ({
  ...FUNCTIONS.alarmForwarder,
  ...flags,
});
const copiesOf = (flags: Pick<FunctionDeclaration, 'bundlesChromium' | 'servesWebPage'>) =>
  bundlingOf(declaration(flags)).commandHooks?.afterBundling('/in', '/out');

describe('bundling of a function', () => {
  it('copies both Chromium and the web page beside the bundle of a function that needs both', () => {
    assert.deepEqual(copiesOf({ bundlesChromium: true, servesWebPage: true }), [
      COPY_CHROMIUM,
      COPY_WEB_PAGE,
    ]);
  });

  it('copies only what a function needs, and adds no hooks to a function that needs nothing', () => {
    assert.deepEqual(copiesOf({ bundlesChromium: true }), [COPY_CHROMIUM]);
    assert.deepEqual(copiesOf({ servesWebPage: true }), [COPY_WEB_PAGE]);
    assert.equal(bundlingOf(declaration({})).commandHooks, undefined);
  });

  it('copies to the folders the functions are told about at run time', () => {
    assert.equal(lambdaPathOf(CHROMIUM_BIN), '/var/task/chromium-bin');
    assert.equal(lambdaPathOf(WEB_PAGE), '/var/task/web');
  });

  it('gives the catalogue scraper Chromium and the catalogue API the web page', () => {
    assert.deepEqual(bundlingOf(FUNCTIONS.scraper).commandHooks?.afterBundling('/in', '/out'), [
      COPY_CHROMIUM,
    ]);
    assert.deepEqual(bundlingOf(FUNCTIONS.api).commandHooks?.afterBundling('/in', '/out'), [COPY_WEB_PAGE]);
  });

  it('ships nothing beside the HTTP-only scraper: no Chromium folder', () => {
    assert.equal(bundlingOf(FUNCTIONS.httpScraper).commandHooks, undefined);
  });

  it('bundles no browser code into the HTTP-only scraper, and the browser into the Chromium scraper', async () => {
    const inputsOf = async (entry: string) => {
      const { metafile } = await build({
        entryPoints: [path.join(REPOSITORY_ROOT, entry)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        mainFields: ['module', 'main'],
        logLevel: 'silent',
      });
      return Object.keys(metafile.inputs);
    };
    const browserCode = (input: string) =>
      /node_modules\/(puppeteer-core|@sparticuz\/chromium)\//.test(input);
    const http = await inputsOf(FUNCTIONS.httpScraper.entry);
    assert.ok(
      http.some((input) => input.includes('shared/scraping/http/')),
      'it bundles the HTTP fetcher',
    );
    assert.deepEqual(http.filter(browserCode), [], 'no puppeteer-core or @sparticuz/chromium module');
    // The same check on the Chromium scraper, so that the pattern is known to match what it must.
    assert.ok((await inputsOf(FUNCTIONS.scraper.entry)).some(browserCode));
  });
});
