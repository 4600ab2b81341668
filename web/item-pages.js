// The changes feed and the item page. The feed lists the latest changes (filters: definition,
// kind, window), pages on with the API's cursor ("More"), and refreshes with the monitor while it
// shows its first page only (rows never move under a reader who paged on). The item page shows
// the latest state, the price and rank chart of the chosen range (7, 30 or 90 days: every page
// of /items/{key}/history in it) and the item's changes in that range.
import { call, segment } from './api.js';
import { priceRankChart } from './chart.js';
import { CHANGE_KINDS, changesView, itemHref, itemStateView } from './item-views.js';
import { el } from './views.js';

const DAY_MS = 86_400_000;
const FEED_PAGE = 50;
/** Pages read for one chart at most (1,000 snapshots each): an hourly item over 90 days is 3. */
const MAX_HISTORY_PAGES = 20;
/** Pages of the item's changes read for one item page at most (1,000 changes each). */
const MAX_CHANGE_PAGES = 5;
export const RANGES_DAYS = [7, 30, 90];

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {{ query: string, cursor: string | undefined, changes: any[], pages: number }} */
const feed = { query: '', cursor: undefined, changes: [], pages: 0 };
let feedRequest = 0;

/** Fills the kind filter once, from the API's kinds. */
export function setUpChangeFilter() {
  const select = /** @type {HTMLSelectElement} */ ($('change-kind'));
  if (select.options.length > 1) return;
  for (const kind of CHANGE_KINDS) select.append(el('option', { value: kind }, kind.replaceAll('_', ' ')));
}

function feedQuery() {
  const value = (id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
  const query = new URLSearchParams({ limit: String(FEED_PAGE) });
  if (value('change-definition')) query.set('definitionId', value('change-definition'));
  if (value('change-kind')) query.set('kind', value('change-kind'));
  const days = Number(value('change-window') || '1');
  // The API's default window is the 24 hours before its own clock; longer ones start here.
  if (days > 1) query.set('since', new Date(Date.now() - days * DAY_MS).toISOString());
  return query;
}

function showFeed() {
  $('changes').replaceChildren(changesView(feed.changes, { empty: 'No changes in this window.' }));
  $('changes-more').hidden = !feed.cursor;
  // What the list shows (tests and people can tell a stale list from a fresh one).
  $('changes').dataset.shown = new URLSearchParams(
    [...new URLSearchParams(feed.query)].filter(([name]) => name !== 'limit' && name !== 'since'),
  ).toString();
  $('changes').dataset.pages = String(feed.pages);
}

/** The first page of the current filter; an answer to an older filter is dropped. */
export async function loadFeed() {
  const request = (feedRequest += 1);
  const query = feedQuery();
  const page = await call('GET', `changes?${query}`);
  if (request !== feedRequest) return;
  Object.assign(feed, { query: query.toString(), cursor: page.cursor, changes: page.changes, pages: 1 });
  showFeed();
}

/** The next page of the list shown, appended. */
export async function loadMoreChanges() {
  if (!feed.cursor) return;
  const request = (feedRequest += 1);
  const query = new URLSearchParams(feed.query);
  query.set('cursor', feed.cursor);
  const page = await call('GET', `changes?${query}`);
  if (request !== feedRequest) return;
  Object.assign(feed, {
    cursor: page.cursor,
    changes: [...feed.changes, ...page.changes],
    pages: feed.pages + 1,
  });
  showFeed();
}

/** The periodic refresh: only while the feed shows its first page. */
export async function refreshFeed() {
  if (feed.pages <= 1) await loadFeed();
}

/**
 * Every page of a listing the API pages with `cursor`, up to `maxPages`.
 * @param {string} path with its query
 * @param {string} field the array in each answer
 * @param {number} maxPages
 */
async function readAll(path, field, maxPages) {
  const items = [];
  let cursor;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call('GET', cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page[field]);
    cursor = page.cursor;
    pages += 1;
  } while (cursor && pages < maxPages);
  return { items, complete: !cursor };
}

let itemRequest = 0;

/**
 * The item page of `key` (`platform:marketplace:id`) over the last `days`.
 * @param {string} key
 * @param {number} days
 */
export async function loadItem(key, days) {
  const request = (itemRequest += 1);
  if (!$('item-page').dataset.shown?.startsWith(`${key}|`)) {
    // Another item: nothing of the previous one stays on screen while this one loads (or fails).
    for (const id of ['item-state', 'item-chart', 'item-changes']) $(id).replaceChildren();
    $('item-heading').textContent = key;
    $('item-chart-note').textContent = '';
    delete $('item-page').dataset.shown;
  }
  const untilMs = Date.now();
  const since = new Date(untilMs - days * DAY_MS).toISOString();
  const [state, history, itemChanges] = await Promise.all([
    call('GET', `items/${segment(key)}`),
    readAll(
      `items/${segment(key)}/history?limit=1000&since=${encodeURIComponent(since)}`,
      'snapshots',
      MAX_HISTORY_PAGES,
    ),
    // The item's own changes, newest first: one Query a page on the API's side.
    readAll(
      `items/${segment(key)}/changes?limit=1000&since=${encodeURIComponent(since)}`,
      'changes',
      MAX_CHANGE_PAGES,
    ),
  ]);
  if (request !== itemRequest) return;
  const changes = itemChanges.items;

  $('item-heading').textContent = state.title ?? `${state.platform} ${state.marketplace} ${state.itemId}`;
  $('item-state').replaceChildren(itemStateView(state));
  for (const button of document.querySelectorAll('#item-range button')) {
    const pressed = Number(/** @type {HTMLElement} */ (button).dataset.days) === days;
    button.setAttribute('aria-pressed', String(pressed));
  }
  $('item-chart').replaceChildren(
    priceRankChart({ snapshots: history.items, sinceMs: untilMs - days * DAY_MS, untilMs }),
  );
  $('item-chart-note').textContent = history.complete
    ? `${history.items.length} snapshots in the last ${days} days.`
    : `The newest ${history.items.length} snapshots of the last ${days} days (older ones not drawn).`;
  $('item-changes').replaceChildren(
    changesView(changes, { linkItems: false, empty: `No changes in the last ${days} days.` }),
  );
  $('item-page').dataset.shown = `${key}|${days}`;
}

/** `#item/<key>[/<days>]` → the key and range, or undefined. */
export function itemRouteOf(hash) {
  const match = /^#item\/([^/]+)(?:\/(\d+))?$/.exec(hash);
  if (!match) return undefined;
  const days = Number(match[2] ?? RANGES_DAYS[0]);
  return {
    key: decodeURIComponent(match[1] ?? ''),
    days: RANGES_DAYS.includes(days) ? days : /** @type {number} */ (RANGES_DAYS[0]),
  };
}

/** @param {string} key @param {number} days */
export const itemRangeHref = (key, days) => `${itemHref(key)}/${days}`;
