/**
 * The story `npm start` tells: the demo shop moves to version n of its catalogue as the n-th slot
 * after the first begins, so within the first few versions the demo watch list must meet every
 * change kind a new user should see. Derived from catalog.ts alone (the pages list
 * `listingIds(platform, '<kind>:<target>', page, PER_PAGE, version)` and show `productOf`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listingIds, PER_PAGE, productOf, SWAPPED_ONE_IN } from '../../demo-shop/index.ts';
import { DEMO_RULES, DEMO_WATCH_LIST } from '../../local/demo-watch-list.ts';

/** The versions a new user sees within two minutes of `npm start -- --slot-every 20`. */
const FIRST_VERSIONS = [0, 1, 2, 3];
const LISTING_KIND: Record<string, string> = {
  search_result: 'search',
  category: 'category',
  bestsellers: 'bestsellers',
};

const listingsOf = (version: number) =>
  DEMO_WATCH_LIST.filter((definition) => definition.crawlType !== 'product_details').map((definition) => ({
    definition,
    ids: Array.from({ length: definition.params?.maxPages ?? 1 }, (_, page) =>
      listingIds(
        definition.platform,
        `${LISTING_KIND[definition.crawlType] ?? ''}:${definition.target}`,
        page + 1,
        PER_PAGE,
        version,
      ),
    ).flat(),
  }));

/** Change kinds between two versions, over the demo watch list (listings and detail pages). */
function kindsBetween(before: number, now: number): Set<string> {
  const kinds = new Set<string>();
  const [was, is] = [listingsOf(before), listingsOf(now)];
  for (const [index, listing] of is.entries()) {
    const old = was[index]?.ids ?? [];
    if (listing.ids.some((id) => !old.includes(id))) kinds.add('entered_listing');
    if (old.some((id) => !listing.ids.includes(id))) kinds.add('left_listing');
    if (listing.ids.some((id, place) => old.includes(id) && old.indexOf(id) !== place))
      kinds.add('rank_moved');
  }
  const products = [
    ...is.flatMap(({ definition, ids }) => ids.map((id) => ({ platform: definition.platform, id }))),
    ...DEMO_WATCH_LIST.filter((definition) => definition.crawlType === 'product_details').map(
      (definition) => ({ platform: definition.platform, id: definition.target, detail: true }),
    ),
  ];
  for (const { platform, id, detail } of products as { platform: string; id: string; detail?: boolean }[]) {
    const [a, b] = [productOf(platform, id, before), productOf(platform, id, now)];
    if (b.priceMinor <= a.priceMinor * 0.95) kinds.add('price_down_5_percent');
    if (b.priceMinor > a.priceMinor) kinds.add('price_up');
    // Stock shows on detail pages only (listing tiles show no availability).
    if (detail && a.available && !b.available) kinds.add('out_of_stock');
    if (detail && !a.available && b.available) kinds.add('back_in_stock');
  }
  return kinds;
}

describe('the demo story of npm start', () => {
  it('shows every change kind within the first few versions of the shop', () => {
    const seen = new Set<string>();
    for (let index = 1; index < FIRST_VERSIONS.length; index += 1) {
      for (const kind of kindsBetween(FIRST_VERSIONS[index - 1] ?? 0, FIRST_VERSIONS[index] ?? 0))
        seen.add(kind);
    }
    assert.deepEqual([...seen].sort(), [
      'back_in_stock',
      'entered_listing',
      'left_listing',
      'out_of_stock',
      'price_down_5_percent',
      'price_up',
      'rank_moved',
    ]);
  });

  it('moves prices, entries and ranks between every two consecutive versions, not only once', () => {
    for (let version = 1; version <= 6; version += 1) {
      const kinds = kindsBetween(version - 1, version);
      for (const kind of [
        'price_down_5_percent',
        'price_up',
        'entered_listing',
        'left_listing',
        'rank_moved',
      ]) {
        assert.ok(kinds.has(kind), `${kind} between versions ${version - 1} and ${version}`);
      }
    }
  });

  it('swaps two neighbours on about one listing page in SWAPPED_ONE_IN, deterministically', () => {
    const pages = Array.from({ length: 400 }, (_, n) => `search:swap${n}`);
    const swapped = pages.filter((listing) => {
      const [before, now] = [
        listingIds('amazon', listing, 1, PER_PAGE, 0),
        listingIds('amazon', listing, 1, PER_PAGE, 1),
      ];
      return now.some((id, place) => before.includes(id) && before.indexOf(id) !== place);
    });
    const share = swapped.length / pages.length;
    assert.ok(
      share > 0.5 / SWAPPED_ONE_IN && share < 2 / SWAPPED_ONE_IN,
      `${swapped.length} of ${pages.length} swapped`,
    );
    assert.deepEqual(
      listingIds('amazon', 'search:swap1', 1, PER_PAGE, 1),
      listingIds('amazon', 'search:swap1', 1, PER_PAGE, 1),
    );
    assert.deepEqual(
      listingIds('amazon', 'search:swap1', 1, PER_PAGE, 0),
      listingIds('amazon', 'search:swap1', 1, PER_PAGE),
    );
  });

  it('has demo rules that watch what the story shows, on definitions of the watch list', () => {
    const ids = new Set(DEMO_WATCH_LIST.map((definition) => definition.id));
    for (const rule of DEMO_RULES) {
      if (rule.scope.kind === 'definition') assert.ok(ids.has(rule.scope.definitionId), rule.id);
    }
    assert.deepEqual(DEMO_RULES.map((rule) => rule.condition.kind).sort(), [
      'back_in_stock',
      'entered_top',
      'price_drop',
    ]);
  });
});
