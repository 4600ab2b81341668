// Views of items and changes: the changes feed's rows, an item's latest state, and its changes.
// Every value goes in as text (textContent through `el`), never as HTML: titles, sellers and ids
// come from scraped pages.
import { el, table } from './views.js';

export const CHANGE_KINDS = [
  'first_seen',
  'price_up',
  'price_down',
  'back_in_stock',
  'out_of_stock',
  'rating_moved',
  'review_count_moved',
  'rank_moved',
  'entered_listing',
  'left_listing',
];

const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z') : '—');

/** `amazon#UK#B0…` (stored) → `amazon:UK:B0…`, the form people type and the page's links use. */
export const itemKeyText = (change) => `${change.platform}:${change.marketplace}:${change.itemId}`;

/** The hash of an item's page. */
export const itemHref = (key) => `#item/${encodeURIComponent(key)}`;

/** @param {number} value */
const signed = (value) => `${value > 0 ? '+' : ''}${value}`;

/**
 * What moved: `from → to` with the currency and percent for prices, the rank for listings.
 * @param {any} change
 */
export function moveOf(change) {
  if (change.from === undefined && change.to === undefined)
    return change.rank === undefined ? '' : `rank ${change.rank}`;
  const currency = change.currency ? ` ${change.currency}` : '';
  const percent = change.percent === undefined ? '' : ` (${signed(change.percent)}%)`;
  const delta =
    change.percent === undefined && typeof change.delta === 'number' && change.kind !== 'rank_moved'
      ? ` (${signed(change.delta)})`
      : '';
  const rank =
    change.kind === 'rank_moved' ? ` (${change.delta < 0 ? 'up' : 'down'} ${Math.abs(change.delta)})` : '';
  // A stock change knows only where it went (`to`).
  const from = change.from === undefined ? '' : `${change.from} `;
  return `${from}→ ${change.to ?? '?'}${currency}${percent}${delta}${rank}`;
}

/** @param {string} kind */
const kindBadge = (kind) => el('span', { class: `kind kind-${kind}` }, kind.replaceAll('_', ' '));

/**
 * One change; the item links to its page unless `linkItem` is false (on the item's own page).
 * @param {any} change
 * @param {boolean} linkItem
 */
export function changeRow(change, linkItem = true) {
  const key = itemKeyText(change);
  const item = linkItem ? el('a', { href: itemHref(key), class: 'item-link' }, key) : key;
  const cells = [time(change.detectedAt), kindBadge(change.kind), item, moveOf(change), change.definitionId];
  return /** @type {HTMLTableRowElement} */ (
    el(
      'tr',
      { 'data-change-id': change.changeId, 'data-kind': change.kind, 'data-item-key': change.itemKey },
      ...cells.map((cell) => el('td', {}, cell)),
    )
  );
}

/**
 * @param {any[]} changes
 * @param {{ linkItems?: boolean, empty?: string }} [options]
 */
export function changesView(changes, options = {}) {
  return table(
    ['When (UTC)', 'Change', 'Item', 'Move', 'Definition'],
    changes.map((change) => changeRow(change, options.linkItems ?? true)),
    options.empty ?? 'No changes match.',
  );
}

/** @param {any} state */
export function itemStateView(state) {
  const money = (amount) =>
    amount === undefined ? '—' : `${amount}${state.currency ? ` ${state.currency}` : ''}`;
  const seenOn = state.seenOn;
  const entries = [
    ['Item', `${state.platform} ${state.marketplace} ${state.itemId}`],
    ['Title', state.title ?? '—'],
    ['Price', money(state.price)],
    ['List price', money(state.listPrice)],
    [
      'Availability',
      `${state.availability ?? '—'}${state.inStock === undefined ? '' : state.inStock ? ' (in stock)' : ' (out of stock)'}`,
    ],
    ['Rating', state.rating === undefined ? '—' : `${state.rating} of 5`],
    ['Reviews', state.reviewCount === undefined ? '—' : String(state.reviewCount)],
    ['Seller', state.seller ?? '—'],
    [
      'Seen on',
      `${seenOn.definitionId} (${seenOn.crawlType}), page ${seenOn.pageNumber}, position ${seenOn.position}${seenOn.rank === undefined ? '' : `, rank ${seenOn.rank}`}`,
    ],
    ['Last seen / first seen', `${time(state.capturedAt)} / ${time(state.firstSeenAt)}`],
  ];
  return el(
    'dl',
    { class: 'detail item-state' },
    ...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
}
