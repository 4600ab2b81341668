/**
 * An ad and the same item's organic tile on one page are two snapshots, never one overwriting
 * the other; the page's result count rides on each snapshot of the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSponsoredSnapshot, itemSnapshotSchema, snapshotIdOf } from '../../shared/results/index.ts';
import { ZERO_COUNTS, type Run } from '../../shared/runs/index.ts';
import { progressOf } from '../../shared/scraping/index.ts';
import { requireExtractor } from '../../shared/scraping/extractors/index.ts';
import { ingestBodySchema, itemOf } from '../../shared/workers/index.ts';

const run = {
  runId: 'bags@2026-11-23T19:00Z',
  definitionId: 'bags',
  slot: '2026-11-23T19:00Z',
  platform: 'amazon',
  marketplace: 'DE',
  crawlType: 'search_result',
  params: { maxPages: 5, maxItems: 100 },
} as unknown as Run;

describe('sponsored items and their organic twins', () => {
  const progress = progressOf(
    {
      run,
      extractor: requireExtractor('amazon', 'search_result'),
      pageNumber: 1,
      checkpoint: { page: 0, itemsSoFar: 0 },
      counts: ZERO_COUNTS,
      itemRetentionDays: 90,
      capturedBy: 'scraper-a',
      capturedAtMs: Date.now(),
    },
    {
      mode: 'http',
      variant: 'search-s-result-item-2019',
      invalid: 0,
      resultCount: 86,
      items: [
        { id: 'B07JKXG7Y1', position: 1, price: 21.9, sponsored: true },
        { id: 'B07D187NPX', position: 2, organicPosition: 1 },
        { id: 'B07JKXG7Y1', position: 3, price: 21.9, organicPosition: 2 },
        { id: 'B07D187NPX', position: 4, organicPosition: 3 }, // the same organic item twice: saved once
      ],
    },
  );

  it('saves the ad and the organic tile of one item as two snapshots, with distinguishable ids', () => {
    const twins = progress.snapshots.filter((snapshot) => snapshot.item.id === 'B07JKXG7Y1');
    assert.equal(twins.length, 2);
    assert.equal(twins[0]?.itemKey, twins[1]?.itemKey);
    assert.deepEqual(
      twins.map((snapshot) => [snapshot.snapshotId, isSponsoredSnapshot(snapshot), snapshot.item.position]),
      [
        [snapshotIdOf(run.slot, run.runId, true), true, 1],
        [snapshotIdOf(run.slot, run.runId), false, 3],
      ],
    );
    assert.equal(snapshotIdOf(run.slot, run.runId, true), `${run.slot}#${run.runId}#sponsored`);
    assert.equal(progress.saved, 3);
    assert.equal(progress.counts.skipped, 1, 'only the true duplicate is skipped');
  });

  it('keeps the result count the page states on every snapshot of the page, valid by the API schema', () => {
    assert.ok(progress.snapshots.every((snapshot) => snapshot.resultCount === 86));
    for (const snapshot of progress.snapshots)
      assert.equal(itemSnapshotSchema.safeParse(snapshot).success, true);
  });

  it('accepts the richer fields from a worker, validated by the item field schemas, naming a bad one', () => {
    const body = ingestBodySchema.parse([
      {
        product_id: 'B07JKXG7Y1',
        price: 19.99,
        list_price: 25.99,
        unit_price: { amount: 3.99, currency: 'EUR', unit: 'kg' },
        brand: 'Imline',
        sponsored: true,
        organic_position: 4, // an ad has no organic position: dropped
        result_count: 86,
      },
      { product_id: 'B07D187NPX', sponsored: false, organic_position: 2 },
    ]);
    const products = Array.isArray(body) ? body : body.products;
    assert.deepEqual(itemOf(products[0]!, 0), {
      id: 'B07JKXG7Y1',
      position: 1,
      price: 19.99,
      listPrice: 25.99,
      unitPrice: { amount: 3.99, currency: 'EUR', unit: 'kg' },
      brand: 'Imline',
      sponsored: true,
    });
    assert.deepEqual(itemOf(products[1]!, 1), { id: 'B07D187NPX', position: 2, organicPosition: 2 });
    const bad = ingestBodySchema.safeParse([{ product_id: 'x', unit_price: { amount: 1, unit: '' } }]);
    assert.equal(bad.success, false);
    assert.ok(JSON.stringify(bad.error?.issues).includes('unit_price'), 'the issue names unit_price');
    assert.equal(ingestBodySchema.safeParse([{ product_id: 'x', sponsored: 'yes' }]).success, false);
    assert.equal(ingestBodySchema.safeParse([{ product_id: 'x', result_count: -1 }]).success, false);
  });
});
