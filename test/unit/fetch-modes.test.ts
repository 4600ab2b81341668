/**
 * Fetch modes, the pure parts: which mode a run uses, when `auto` escalates, what a page adds to
 * the run's per-mode totals, and the definition field in the schema and in watch-list files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  declaredFetchModeOf,
  type FetchModeSetting,
  parseDefinitionInput,
  validateWatchList,
} from '../../shared/definitions/index.ts';
import { runQueueModeOf } from '../../shared/queues/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { ZERO_COUNTS } from '../../shared/runs/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import {
  DEFAULT_FETCH_MODE,
  escalationOf,
  fetchModeOf,
  progressOf,
  totalsOf,
} from '../../shared/scraping/index.ts';
import {
  type PageExtraction,
  registeredExtractors,
  requireExtractor,
} from '../../shared/scraping/extractors/index.ts';

const search = requireExtractor('amazon', 'search_result');
const item = (id: string, title?: string) => ({
  id,
  position: 1,
  ...(title ? { title } : {}),
  url: `https://www.amazon.com/dp/${id}`,
});
const page = (items: PageExtraction['items'], extra: Partial<PageExtraction> = {}): PageExtraction => ({
  mode: 'http',
  variant: 'search-s-search-result',
  items,
  invalid: 0,
  ...extra,
});

describe('which fetch mode a run uses', () => {
  it("takes the definition's mode over the extractor's, and the extractor's over the default", () => {
    assert.equal(fetchModeOf({ fetchMode: 'auto' }, 'http'), 'http');
    assert.equal(fetchModeOf({ fetchMode: 'auto' }, undefined), 'auto');
    assert.equal(fetchModeOf({}, undefined), DEFAULT_FETCH_MODE);
  });

  it('reads an auto extractor that needs JavaScript in the browser from the start; obeys an explicit mode', () => {
    assert.equal(fetchModeOf({ needsJavaScript: true, fetchMode: 'auto' }, undefined), 'browser');
    assert.equal(fetchModeOf({ needsJavaScript: true }, 'auto'), 'browser');
    assert.equal(fetchModeOf({ needsJavaScript: true, fetchMode: 'auto' }, 'http'), 'http');
    assert.equal(fetchModeOf({ needsJavaScript: false }, 'auto'), 'auto');
  });
});

describe('when an auto run escalates to the browser', () => {
  it('escalates a block page, whether a captcha answered 200 or a 403/429 status', () => {
    assert.equal(escalationOf(search, { extraction: page([], { blocked: 'captcha' }) }), 'blocked');
    const status = { failureClass: 'blocked', reason: 'http-429', message: 'x answered HTTP 429' } as const;
    assert.equal(escalationOf(search, { failure: status }), 'blocked');
  });

  it('does not escalate transient or permanent failures: they are the page’s, as in the browser', () => {
    for (const failureClass of ['transient', 'permanent'] as const) {
      const failure = { failureClass, reason: 'http-503', message: 'x' };
      assert.equal(escalationOf(search, { failure }), undefined);
    }
  });

  it('escalates a page with a required field missing, or of no known layout; not a complete one', () => {
    assert.equal(escalationOf(search, { extraction: page([item('B000000001', 'Kettle')]) }), undefined);
    assert.equal(
      escalationOf(search, { extraction: page([item('B000000001', 'Kettle'), item('B000000002')]) }),
      'missing-fields',
    );
    const unknown = page([], {});
    delete (unknown as { variant?: string }).variant;
    assert.equal(escalationOf(search, { extraction: unknown }), 'unknown-layout');
  });
});

describe("a page's share of the run's fetch totals", () => {
  const run = {
    runId: 'kettles@2026-11-23T19:00Z',
    definitionId: 'kettles',
    slot: '2026-11-23T19:00Z',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'search_result',
    params: { maxPages: 5, maxItems: 100 },
  } as unknown as Run;
  const input = {
    run,
    extractor: search,
    itemRetentionDays: 90,
    capturedBy: 'scraper-a',
    capturedAtMs: Date.parse('2026-11-23T19:01:00Z'),
  };
  const withNext = (mode: 'http' | 'browser') =>
    page([item('B000000001', 'Kettle')], { mode, nextUrl: 'https://www.amazon.com/s?k=kettle&page=2' });

  it('counts pages by the mode that read them and remembers an escalation for the rest of the run', () => {
    const first = progressOf(
      { ...input, pageNumber: 1, checkpoint: { page: 0, itemsSoFar: 0 }, counts: ZERO_COUNTS },
      withNext('http'),
    );
    let totals = totalsOf(first.checkpoint);
    assert.deepEqual(
      [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
      [1, 0, 0, false],
    );
    const second = progressOf(
      { ...input, pageNumber: 2, checkpoint: first.checkpoint, counts: first.counts, escalation: 'blocked' },
      withNext('browser'),
    );
    totals = totalsOf(second.checkpoint);
    assert.deepEqual(
      [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
      [1, 1, 1, true],
    );
    const third = progressOf(
      { ...input, pageNumber: 3, checkpoint: second.checkpoint, counts: second.counts },
      withNext('browser'),
    );
    totals = totalsOf(third.checkpoint);
    assert.deepEqual(
      [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
      [1, 2, 1, true],
    );
  });

  it('reads a checkpoint written before fetch modes as no pages by either mode, not escalated', () => {
    const totals = totalsOf({ page: 3, itemsSoFar: 60, state: { requiredPresent: 180, requiredTotal: 180 } });
    assert.deepEqual(
      [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
      [0, 0, 0, false],
    );
  });
});

describe('the fetch mode of a definition', () => {
  const valid = {
    id: 'kettles-us',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'search_result',
    target: 'kettle',
    schedule: { kind: 'every', everyHours: 1 },
  };

  it('is optional (the extractor decides) and one of http, browser, auto', () => {
    assert.equal(parseDefinitionInput(valid).fetchMode, undefined);
    assert.equal(parseDefinitionInput({ ...valid, fetchMode: 'auto' }).fetchMode, 'auto');
    assert.throws(
      () => parseDefinitionInput({ ...valid, fetchMode: 'turbo' }),
      (error: unknown) =>
        error instanceof ValidationError && error.issues.some((issue) => issue.field === 'fetchMode'),
    );
  });

  it('is an optional column of watch-list files, judged by the same schema', () => {
    const csv = [
      'id,platform,marketplace,crawlType,target,schedule,fetchMode',
      'kettles-us,amazon,US,search_result,kettle,every 1h,http',
      'toasters-us,amazon,US,search_result,toaster,every 1h,',
      'irons-us,amazon,US,search_result,iron,every 1h,chrome',
    ].join('\n');
    const checked = validateWatchList(csv, 'csv');
    assert.deepEqual(
      checked.valid.map((row) => [row.definition.id, row.definition.fetchMode]),
      [
        ['kettles-us', 'http'],
        ['toasters-us', undefined],
      ],
    );
    assert.deepEqual(
      checked.issues.map((issue) => [issue.row, issue.field]),
      [[3, 'fetchMode']],
    );
  });
});

describe('which queue a run message goes to', () => {
  const run = (fetchMode: FetchModeSetting | undefined, state?: { escalated: boolean }) => ({
    platform: 'amazon',
    crawlType: 'search_result',
    ...(fetchMode ? { fetchMode } : {}),
    ...(state ? { checkpoint: { page: 1, itemsSoFar: 10, state } } : {}),
  });

  it('sends http and auto runs to the HTTP queue, browser runs and escalated auto runs to the browser queue', () => {
    assert.equal(runQueueModeOf(run('http')), 'http');
    assert.equal(runQueueModeOf(run('auto')), 'http');
    assert.equal(runQueueModeOf(run('browser')), 'browser');
    assert.equal(runQueueModeOf(run('auto', { escalated: true })), 'browser');
    assert.equal(runQueueModeOf(run('auto', { escalated: false })), 'http');
    // An `http` run never escalates: whatever HTTP gives is its result.
    assert.equal(runQueueModeOf(run('http', { escalated: true })), 'http');
  });

  it("routes a run without a fetch mode by its extractor's declared one: auto (the default) to HTTP", () => {
    assert.equal(DEFAULT_FETCH_MODE, 'auto');
    assert.equal(declaredFetchModeOf('amazon', 'search_result'), 'auto');
    assert.equal(runQueueModeOf(run(undefined)), 'http');
  });

  it("agrees with every registered extractor's own declaration, so routing needs no extractor", () => {
    const extractors = registeredExtractors();
    assert.ok(extractors.length >= 9);
    for (const extractor of extractors) {
      const own = fetchModeOf(extractor, undefined);
      const plain = declaredFetchModeOf(extractor.platform, extractor.crawlType);
      assert.equal(
        own === 'browser',
        plain === 'browser',
        `${extractor.platform}/${extractor.crawlType} reads in ${own}; DECLARED_FETCH_MODES says ${plain}: ` +
          'write its mode in shared/definitions/fetch-mode.ts',
      );
    }
  });
});
