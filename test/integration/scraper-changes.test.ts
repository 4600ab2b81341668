/**
 * Change detection through the real run scraper: the demo shop (moved between versions of its
 * catalogue), DynamoDB Local, pages read over HTTP. Every expectation is derived from the shop's
 * own generator (listingIds, the snapshots read), never written out by hand.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type DemoShop, listingIds, PER_PAGE, startDemoShop } from '../../demo-shop/index.ts';
import {
  type Change,
  ChangeRecorder,
  type ChangeRecord,
  ChangeStore,
  type RecordOutcome,
} from '../../shared/changes/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { type Run, RunStore } from '../../shared/runs/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { DomainBudget, type Invocation, RunScraper } from '../../shared/scraping/index.ts';
import { HOUR_MS, thisHour } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { messageOf } from '../helpers/runs.ts';
import { tallyPriceChanges, versionReadBy } from '../helpers/price-changes.ts';

const plenty: Invocation = { owner: 'scraper-a', remainingMs: () => 900_000 };

/** A keyword whose listing, read `pages` deep, has exactly `replaced` places that differ in version 1. */
function keywordWithReplaced(prefix: string, pages: number, replaced: number): string {
  for (let n = 1; n <= 10_000; n += 1) {
    const keyword = `${prefix}${n}`;
    const before = idsOf(keyword, pages, 0);
    const now = idsOf(keyword, pages, 1);
    const differing = now.filter((id, index) => id !== before[index]).length;
    if (differing === replaced && new Set([...before, ...now]).size === before.length + replaced) {
      return keyword;
    }
  }
  throw new Error(`no ${prefix} keyword with exactly ${replaced} places varied in ${pages} pages`);
}

const idsOf = (keyword: string, pages: number, version: number): string[] =>
  Array.from({ length: pages }, (_, page) =>
    listingIds('amazon', `search:${keyword}`, page + 1, PER_PAGE, version),
  ).flat();

const minus = (a: readonly string[], b: readonly string[]) => a.filter((id) => !b.includes(id)).sort();

describe('changes recorded by the run scraper (demo shop, DynamoDB Local)', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let shop: DemoShop;
  let runs: RunStore;
  let items: ItemStore;
  let store: ChangeStore;
  /** Every change each save reported as written by itself (an event would be sent for each). */
  let reported: Change[];

  before(async () => {
    shop = await startDemoShop();
    const { clients, resources } = local();
    runs = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 30,
    });
    items = new ItemStore({ documents: clients.documents, tableName: resources.tables.items });
    store = new ChangeStore({
      documents: clients.documents,
      statesTable: resources.tables.itemStates,
      changesTable: resources.tables.changes,
      retentionDays: 90,
    });
  });
  after(async () => {
    await host.close();
    await shop.stop();
  });

  const recorder = () => {
    const real = new ChangeRecorder({ changes: store, runs, items });
    const keep = (outcome: RecordOutcome | undefined) => {
      reported.push(...(outcome?.recorded ?? []));
      return outcome;
    };
    return {
      baselineOf: (run: Run) => real.baselineOf(run),
      recordPage: async (...args: Parameters<ChangeRecorder['recordPage']>) =>
        keep(await real.recordPage(...args)) as RecordOutcome,
      recordExits: async (...args: Parameters<ChangeRecorder['recordExits']>) =>
        keep(await real.recordExits(...args)),
    };
  };

  type Recorder = ReturnType<typeof recorder>;

  const scraperWith = (
    overrides: { runs?: RunStore; clock?: () => number; leaseMs?: number; changes?: Recorder } = {},
  ) => {
    const { clients, resources } = local();
    return new RunScraper({
      runs: overrides.runs ?? runs,
      items,
      changes: overrides.changes ?? recorder(),
      definitions: { recordSuccess: () => Promise.resolve() },
      budget: new DomainBudget({
        documents: clients.documents,
        controlTable: resources.tables.control,
        fallback: { ratePerSecond: 1_000, burst: 1_000 },
      }),
      browser: host,
      itemRetentionDays: 90,
      navigationTimeoutMs: 3_000,
      handBackReserveMs: 1_000,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: () => `${shop.url}/amazon/com`,
      random: () => 0.5,
      ...(overrides.clock ? { clock: overrides.clock } : {}),
      ...(overrides.leaseMs ? { leaseMs: overrides.leaseMs } : {}),
    });
  };

  /** A run of a search definition in the slot `hoursAgo` hours before this hour. */
  const runOf = async (definitionId: string, keyword: string, hoursAgo: number, maxPages: number) => {
    const run = runs.newRun(
      {
        definition: {
          id: definitionId,
          platform: 'amazon',
          marketplace: 'US',
          crawlType: 'search_result',
          target: keyword,
          params: { maxPages, maxItems: 1_000 },
          priority: 'normal',
          maxAttempts: 3,
          fetchMode: 'http',
        },
        slot: slotOf(thisHour() - hoursAgo * HOUR_MS),
      },
      Date.now(),
    );
    await runs.create(run);
    return run;
  };

  const scrapeAt = async (version: number, run: Run, scraper = scraperWith()) => {
    shop.setVersion(version);
    return scraper.scrape(messageOf(run), plenty);
  };

  /** The changes table's records of one definition (its byDefinition index), all pages. */
  const changesOf = async (definitionId: string): Promise<ChangeRecord[]> => {
    const found: ChangeRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await local().clients.documents.send(
        new QueryCommand({
          TableName: local().resources.tables.changes,
          IndexName: 'byDefinition',
          KeyConditionExpression: 'definitionId = :d',
          ExpressionAttributeValues: { ':d': definitionId },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      found.push(...((page.Items ?? []) as ChangeRecord[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  };
  const ofRun = (changes: readonly ChangeRecord[], run: Run, kind: string) =>
    changes
      .filter((change) => change.runId === run.runId && change.kind === kind)
      .map((change) => change.itemId)
      .sort();
  const pricesOf = async (run: Run) =>
    new Map(
      (await items.listByRun(run.runId, { limit: 1000 })).snapshots.map((s) => [s.item.id, s.item.price]),
    );

  const assertReportedOnce = (changes: readonly ChangeRecord[]) => {
    const stored = changes.map((change) => `${change.itemKey}|${change.changeId}`).sort();
    const mine = new Set(stored);
    const saidWritten = reported
      .map((change) => `${change.itemKey}|${change.changeId}`)
      .filter((key) => mine.has(key))
      .sort();
    assert.deepEqual(saidWritten, stored, 'each stored change was reported written by exactly one save');
  };

  it('a complete second run after one item left the listing: one left, one entered, each price move once', async () => {
    reported = [];
    const pages = 2;
    const keyword = keywordWithReplaced('kettle', pages, 1);
    const first = await runOf('changes-listing', keyword, 2, pages);
    const second = await runOf('changes-listing', keyword, 1, pages);
    assert.equal((await scrapeAt(0, first)).kind, 'succeeded');
    const afterFirst = await changesOf('changes-listing');
    assert.equal(ofRun(afterFirst, first, 'first_seen').length, pages * PER_PAGE);
    assert.equal(
      afterFirst.filter((change) => change.kind.endsWith('_listing')).length,
      0,
      'no baseline yet: nothing entered or left',
    );

    assert.equal((await scrapeAt(1, second)).kind, 'succeeded');
    const all = await changesOf('changes-listing');
    const [before, now] = [idsOf(keyword, pages, 0), idsOf(keyword, pages, 1)];
    assert.deepEqual(ofRun(all, second, 'left_listing'), minus(before, now));
    assert.deepEqual(ofRun(all, second, 'entered_listing'), minus(now, before));
    assert.equal(ofRun(all, second, 'left_listing').length, 1);
    assert.equal(ofRun(all, second, 'entered_listing').length, 1);
    assert.deepEqual(ofRun(all, second, 'first_seen'), minus(now, before));
    assert.deepEqual(ofRun(all, second, 'rank_moved'), [], 'every other item kept its place');
    const entered = all.find((change) => change.runId === second.runId && change.kind === 'entered_listing');
    const place = now.findIndex((id) => id === entered?.itemId) + 1;
    assert.equal(entered?.rank, place, 'entered at its absolute place across pages');

    const [pricesBefore, pricesNow] = [await pricesOf(first), await pricesOf(second)];
    const moved = [...pricesNow]
      .filter(([id, price]) => pricesBefore.has(id) && price !== undefined && price !== pricesBefore.get(id))
      .map(([id]) => id)
      .sort();
    assert.ok(moved.length > 0, 'version 1 moved some prices on this listing');
    assert.deepEqual([...ofRun(all, second, 'price_up'), ...ofRun(all, second, 'price_down')].sort(), moved);
    assertReportedOnce(all);
  });

  it("each price move the shop's versions make on a listing is one price_up or price_down, as the catalogue says", async (t) => {
    reported = [];
    const pages = 2;
    const keyword = 'catalogue-prices';
    const versions = [0, 1, 2];
    const runsRead = [];
    for (const [index, version] of versions.entries()) {
      const run = await runOf('changes-prices', keyword, versions.length - index, pages);
      assert.equal((await scrapeAt(version, run)).kind, 'succeeded');
      runsRead.push({ run, version });
    }
    const snapshots = (
      await Promise.all(
        runsRead.map(async ({ run }) => (await items.listByRun(run.runId, { limit: 1000 })).snapshots),
      )
    ).flat();
    const versionOfRun = new Map(runsRead.map(({ run, version }) => [run.runId, version]));
    for (const { run, version } of runsRead) {
      const read = snapshots.filter((snapshot) => snapshot.runId === run.runId);
      assert.equal(read.length, pages * PER_PAGE);
      assert.equal(
        versionReadBy(read, [version]),
        version,
        `${run.runId} read the catalogue of version ${version}`,
      );
    }
    const tally = tallyPriceChanges(
      snapshots,
      await changesOf('changes-prices'),
      (snapshot) => versionOfRun.get(snapshot.runId) ?? Number.NaN,
    );
    t.diagnostic(
      `price changes: expected ${tally.expected}, seen ${tally.seen}, duplicated ${tally.duplicated}, missing ${tally.missing.length}, unexpected ${tally.unexpected.length}`,
    );
    assert.ok(tally.expected >= 2, 'versions 1 and 2 move some prices on this listing');
    assert.deepEqual(tally.missing, [], 'every scheduled price move recorded');
    assert.deepEqual(tally.unexpected, [], 'no price change the catalogue did not make');
    assert.equal(tally.duplicated, 0);
    assert.equal(tally.seen, tally.expected);
    assertReportedOnce(await changesOf('changes-prices'));
  });

  it('a run resumed after a crash between saving a page and its checkpoint records each change once', async () => {
    reported = [];
    const pages = 3;
    const keyword = keywordWithReplaced('teapot', pages, 2);
    const baseline = await runOf('changes-crash', keyword, 2, pages);
    const run = await runOf('changes-crash', keyword, 1, pages);
    assert.equal((await scrapeAt(0, baseline)).kind, 'succeeded');

    // The process dies right after page 2's snapshots and changes are written: no checkpoint,
    // no release; the lease runs out and the next consumer takes the run over.
    const crashing = Object.assign(Object.create(runs) as RunStore, {
      checkpoint: ((lease, progress, nowMs, leaseMs) =>
        progress.checkpoint.page === 2
          ? Promise.reject(new Error('the process died'))
          : runs.checkpoint(lease, progress, nowMs, leaseMs)) satisfies RunStore['checkpoint'],
      release: (() => Promise.reject(new Error('the process died'))) satisfies RunStore['release'],
    });
    shop.setVersion(1);
    await assert.rejects(scraperWith({ runs: crashing, leaseMs: 60_000 }).scrape(messageOf(run), plenty));
    const crashed = await runs.require(run.runId);
    assert.equal(crashed.status, 'RUNNING');
    assert.equal(crashed.checkpoint?.page, 1);
    const page2 = listingIds('amazon', `search:${keyword}`, 2, PER_PAGE, 1);
    assert.ok(
      (await changesOf('changes-crash')).some(
        (change) => change.runId === run.runId && page2.includes(change.itemId),
      ),
      "page 2's changes were written before the crash",
    );

    const later = () => Date.now() + 120_000;
    const resumed = await scrapeAt(1, run, scraperWith({ clock: later }));
    assert.equal(resumed.kind, 'succeeded');
    const all = await changesOf('changes-crash');
    const [before, now] = [idsOf(keyword, pages, 0), idsOf(keyword, pages, 1)];
    assert.deepEqual(ofRun(all, run, 'left_listing'), minus(before, now));
    assert.deepEqual(ofRun(all, run, 'entered_listing'), minus(now, before));
    assertReportedOnce(all);
    assert.equal(
      reported.filter((change) => change.runId === run.runId).length,
      all.filter((change) => change.runId === run.runId).length,
      'the re-read page 2 reported nothing a second time',
    );
  });

  it('a listing read partially (the run failed mid-way) reports no exits; the next complete run does', async () => {
    reported = [];
    const pages = 2;
    const keyword = keywordWithReplaced('lamp', pages, 2);
    const baseline = await runOf('changes-partial', keyword, 3, pages);
    const partial = await runOf('changes-partial', keyword, 2, pages);
    const complete = await runOf('changes-partial', keyword, 1, pages);
    assert.equal((await scrapeAt(0, baseline)).kind, 'succeeded');
    shop.setRules([{ path: '/amazon/com/s', fault: '404', after: 1 }]);
    try {
      assert.equal((await scrapeAt(1, partial)).kind, 'failed');
    } finally {
      shop.setRules([]);
    }
    const afterPartial = await changesOf('changes-partial');
    assert.deepEqual(ofRun(afterPartial, partial, 'left_listing'), [], 'no exits from a partial read');
    const page1Now = listingIds('amazon', `search:${keyword}`, 1, PER_PAGE, 1);
    const page1Before = listingIds('amazon', `search:${keyword}`, 1, PER_PAGE, 0);
    assert.deepEqual(ofRun(afterPartial, partial, 'entered_listing'), minus(page1Now, page1Before));

    assert.equal((await scrapeAt(1, complete)).kind, 'succeeded');
    const all = await changesOf('changes-partial');
    const [before, now] = [idsOf(keyword, pages, 0), idsOf(keyword, pages, 1)];
    assert.deepEqual(ofRun(all, complete, 'left_listing'), minus(before, now));
    assert.deepEqual(
      ofRun(all, complete, 'entered_listing'),
      minus(minus(now, before), page1Now),
      'items the partial run already reported as entered are not reported again',
    );
    assertReportedOnce(all);
  });

  it(
    'the listing baseline loads beside the first page, whose changes wait for it and are decided against it',
    {
      timeout: 120_000,
    },
    async () => {
      reported = [];
      const pages = 1;
      const keyword = keywordWithReplaced('toaster', pages, 1);
      const first = await runOf('changes-overlap', keyword, 2, pages);
      const second = await runOf('changes-overlap', keyword, 1, pages);
      assert.equal((await scrapeAt(0, first)).kind, 'succeeded');
      const real = recorder();
      let pageBeingRecorded = (): void => undefined;
      const firstPageRecorded = new Promise<void>((resolve) => {
        pageBeingRecorded = resolve;
      });
      // The baseline is handed over only once the first page's changes are being recorded: a scraper
      // that waited for it before reading its first page would never get there (the test times out).
      const gated: Recorder = {
        ...real,
        baselineOf: async (run: Run) => {
          const listing = await real.baselineOf(run);
          await firstPageRecorded;
          return listing;
        },
        recordPage: (...args: Parameters<ChangeRecorder['recordPage']>) => {
          pageBeingRecorded();
          return real.recordPage(...args);
        },
      };
      assert.equal((await scrapeAt(1, second, scraperWith({ changes: gated }))).kind, 'succeeded');
      const all = await changesOf('changes-overlap');
      const [before, now] = [idsOf(keyword, pages, 0), idsOf(keyword, pages, 1)];
      assert.equal(minus(now, before).length, 1);
      assert.deepEqual(
        ofRun(all, second, 'entered_listing'),
        minus(now, before),
        'decided against the baseline',
      );
      assert.deepEqual(ofRun(all, second, 'left_listing'), minus(before, now));
      assertReportedOnce(all);
    },
  );

  it('a baseline that cannot be read fails the attempt for a retry: its first page is not checkpointed and records no change', async () => {
    reported = [];
    const pages = 2;
    const keyword = keywordWithReplaced('kettle', pages, 1);
    const first = await runOf('changes-no-baseline', keyword, 2, pages);
    const second = await runOf('changes-no-baseline', keyword, 1, pages);
    assert.equal((await scrapeAt(0, first)).kind, 'succeeded');
    const failing: Recorder = {
      ...recorder(),
      baselineOf: () => Promise.reject(new Error('the runs table did not answer')),
    };
    const outcome = await scrapeAt(1, second, scraperWith({ changes: failing }));
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.kind === 'retry' ? outcome.failure.message : '', /the runs table did not answer/);
    const after = await runs.require(second.runId);
    assert.equal(after.checkpoint?.page ?? 0, 0, 'no page checkpointed');
    assert.deepEqual(
      (await changesOf('changes-no-baseline')).filter((change) => change.runId === second.runId),
      [],
    );
    assert.equal(
      reported.filter((change) => change.runId === second.runId).length,
      0,
      'no change reported written',
    );
  });

  it('two consumers saving the same items at once (two definitions of one listing) record each item change once', async () => {
    reported = [];
    const pages = 1;
    const keyword = keywordWithReplaced('mug', pages, 1);
    const definitions = ['changes-race-a', 'changes-race-b'];
    for (const id of definitions)
      assert.equal((await scrapeAt(0, await runOf(id, keyword, 2, pages))).kind, 'succeeded');
    const racing = await Promise.all(definitions.map((id) => runOf(id, keyword, 1, pages)));
    shop.setVersion(1);
    const outcomes = await Promise.all(
      racing.map((run, index) =>
        scraperWith().scrape(messageOf(run), { ...plenty, owner: `scraper-${index}` }),
      ),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.kind),
      ['succeeded', 'succeeded'],
    );
    const [a, b] = await Promise.all(definitions.map((id) => changesOf(id)));
    const itemChanges = [...(a ?? []), ...(b ?? [])].filter(
      (change) =>
        change.slot === racing[0]?.slot && !change.kind.endsWith('_listing') && change.kind !== 'rank_moved',
    );
    const perItemKind = new Map<string, number>();
    for (const change of itemChanges) {
      const key = `${change.itemId}|${change.kind}`;
      perItemKind.set(key, (perItemKind.get(key) ?? 0) + 1);
    }
    assert.ok(itemChanges.length > 0, 'version 1 changed something on this listing');
    assert.deepEqual(
      [...perItemKind.values()].filter((count) => count > 1),
      [],
      'each item change once',
    );
    for (const [run, changes] of [
      [racing[0], a],
      [racing[1], b],
    ] as const) {
      assert.equal(ofRun(changes ?? [], run as Run, 'left_listing').length, 1, 'each listing its own exit');
      assert.equal(ofRun(changes ?? [], run as Run, 'entered_listing').length, 1);
    }
    assertReportedOnce([...(a ?? []), ...(b ?? [])]);
  });
});
