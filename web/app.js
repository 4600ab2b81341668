// The monitor page: asks for a token, then shows alarms, queues, runs by status, the throughput
// chart, runs with filters (retry / cancel), a run's checkpoint and counts, DLQs (redrive) and
// workers. The summary refreshes every 30 s; the run list only when asked, so rows do not move
// under the operator's pointer. Two more views by the URL's hash: `#changes` (the changes feed)
// and `#item/<key>[/<days>]` (an item's state, price and rank chart, changes): item-pages.js.
import { ApiError, call, segment, token } from './api.js';
import { throughputChart } from './chart.js';
import {
  itemRangeHref,
  itemRouteOf,
  loadFeed,
  loadItem,
  loadMoreChanges,
  refreshFeed,
  setUpChangeFilter,
} from './item-pages.js';
import {
  alarmsView,
  dlqView,
  queuesView,
  runDetailView,
  runRow,
  runsView,
  statusCountsView,
  workersView,
} from './views.js';

const STATUSES = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'RETRY_WAIT',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'DEAD_LETTERED',
];
const PRIORITIES = ['high', 'normal', 'low'];
const REFRESH_MS = 30_000;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} text @param {'info' | 'error'} [kind] */
function say(text, kind = 'info') {
  const message = $('message');
  message.textContent = text;
  message.className = kind;
}

/** @param {unknown} error */
function explain(error) {
  if (error instanceof ApiError && error.status === 401) {
    showMonitor(false);
    return say(`The token was refused: ${error.message}. Paste another.`, 'error');
  }
  if (error instanceof ApiError && error.status === 403) {
    return say(`This token may not do that (an operator token is needed): ${error.message}`, 'error');
  }
  say(error instanceof Error ? error.message : String(error), 'error');
}

let signedIn = false;

/** The view the hash names: `monitor` (the default), `changes` or `item`. */
const viewOf = (hash) => (hash === '#changes' ? 'changes' : itemRouteOf(hash) ? 'item' : 'monitor');

/** Shows the pages (the view of the hash) once a token works, or none of them. */
function showMonitor(visible) {
  signedIn = visible;
  const view = viewOf(location.hash);
  $('monitor').hidden = !visible || view !== 'monitor';
  $('changes-page').hidden = !visible || view !== 'changes';
  $('item-page').hidden = !visible || view !== 'item';
  $('nav').hidden = !visible;
  $('refresh').hidden = !visible;
  $('intro').hidden = visible;
  for (const link of document.querySelectorAll('#nav a')) {
    link.toggleAttribute('aria-current', /** @type {HTMLElement} */ (link).dataset.view === view);
  }
}

/** Loads the data of the view the hash names. */
async function loadView() {
  const view = viewOf(location.hash);
  if (view === 'changes') return loadFeed();
  const item = itemRouteOf(location.hash);
  if (item) return loadItem(item.key, item.days);
  await Promise.all([refreshSummary(), refreshRuns()]);
}

/** @param {string} id @param {Node} node */
const put = (id, node) => $(id).replaceChildren(node);

async function loadDeadLetters() {
  const depths = await call('GET', 'dlq');
  const entries = await Promise.all(
    PRIORITIES.map(async (priority) => {
      const depth = depths[priority]?.messages ?? 0;
      const messages = depth > 0 ? (await call('GET', `dlq/${priority}/messages?limit=10`)).messages : [];
      return [priority, { depth, messages }];
    }),
  );
  return Object.fromEntries(entries);
}

async function refreshSummary() {
  const [stats, hourly, alarms, workers, dlq] = await Promise.all([
    call('GET', 'stats'),
    call('GET', 'stats/hourly?hours=24'),
    call('GET', 'alarms'),
    call('GET', 'workers?limit=100'),
    loadDeadLetters(),
  ]);
  put('alarms', alarmsView(alarms));
  put('queues', queuesView(stats));
  put('status-counts', statusCountsView(stats, pickStatus));
  put('chart', throughputChart(hourly));
  put('workers', workersView(workers.workers));
  put('dlq', dlqView(dlq, { redriveOne, redriveAll }));
  $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function currentFilter() {
  const value = (id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
  return {
    status: value('filter-status'),
    crawlType: value('filter-crawl-type'),
    definitionId: value('filter-definition'),
  };
}

/**
 * Runs of the filter; with no field set, the latest 10 of each status.
 * @param {{ status: string, crawlType: string, definitionId: string }} filter
 */
async function loadRuns(filter) {
  const query = new URLSearchParams({ limit: '50' });
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  if (filter.status || filter.crawlType || filter.definitionId)
    return (await call('GET', `runs?${query}`)).runs;
  const pages = await Promise.all(STATUSES.map((status) => call('GET', `runs?status=${status}&limit=10`)));
  return pages
    .flatMap((page) => page.runs)
    .sort((a, b) => b.statusChangedAt.localeCompare(a.statusChangedAt));
}

const runActions = { open: openRun, retry: (id) => act(id, 'retry'), cancel: (id) => act(id, 'cancel') };

let runsRequest = 0;

/** Shows the runs of the current filter; an answer to an older filter is dropped, not shown. */
async function refreshRuns() {
  const request = (runsRequest += 1);
  const filter = currentFilter();
  const runs = await loadRuns(filter);
  if (request !== runsRequest) return;
  put('runs', runsView(runs, runActions));
  // Which filter the list shows (tests and people can tell a stale list from a fresh one).
  $('runs').dataset.shown = new URLSearchParams(
    Object.entries(filter).filter(([, value]) => value),
  ).toString();
}

/** @param {string} status */
function pickStatus(status) {
  /** @type {HTMLSelectElement} */ ($('filter-status')).value = status;
  refreshRuns().catch(explain);
}

/** @param {string} runId */
async function openRun(runId) {
  const run = await call('GET', `runs/${segment(runId)}`).catch(explain);
  if (!run) return;
  $('run-detail-id').textContent = run.runId;
  put('run-detail', runDetailView(run));
  $('run-detail-section').hidden = false;
}

/** Retry or cancel; the row shows the run's new state at once (the list is not reloaded). */
async function act(runId, verb) {
  try {
    const run = await call('POST', `runs/${segment(runId)}/${verb}`);
    const current = document.querySelector(`tr[data-run-id="${CSS.escape(runId)}"]`);
    current?.replaceWith(runRow(run, runActions));
    say(`${runId}: ${verb === 'retry' ? 'retried' : 'cancelled'}, now ${run.status}.`);
    if (!$('run-detail-section').hidden && $('run-detail-id').textContent === runId)
      put('run-detail', runDetailView(run));
    await refreshSummary();
  } catch (error) {
    explain(error);
  }
}

async function redriveOne(priority, messageId) {
  await redrive(priority, { messageId });
}

async function redriveAll(priority) {
  await redrive(priority, { all: true });
}

async function redrive(priority, body) {
  try {
    const { redriven } = await call('POST', `dlq/${priority}/redrive`, body);
    say(`${redriven.length} message${redriven.length === 1 ? '' : 's'} moved back to the ${priority} queue.`);
    await refreshSummary();
  } catch (error) {
    explain(error);
  }
}

async function start() {
  setUpChangeFilter();
  if (!token.get()) return showMonitor(false);
  try {
    await loadView();
    showMonitor(true);
    say('');
  } catch (error) {
    // A token that works but an item that does not: show the pages and say why.
    if (viewOf(location.hash) !== 'monitor' && !(error instanceof ApiError && error.status === 401))
      showMonitor(true);
    explain(error);
  }
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('token'));
  if (!input.value.trim()) return say('Paste a token first.', 'error');
  token.set(input.value.trim());
  input.value = '';
  start().catch(explain);
});
$('forget-token').addEventListener('click', () => {
  token.clear();
  showMonitor(false);
  say('Token forgotten.');
});
$('run-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  refreshRuns().catch(explain);
});
$('refresh').addEventListener('click', () => {
  loadView().catch(explain);
});
$('change-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  loadFeed().catch(explain);
});
$('changes-more').addEventListener('click', () => {
  loadMoreChanges().catch(explain);
});
$('item-range').addEventListener('click', (event) => {
  const days = /** @type {HTMLElement} */ (event.target).closest?.('button')?.dataset.days;
  const item = itemRouteOf(location.hash);
  if (days && item) location.hash = itemRangeHref(item.key, Number(days));
});
window.addEventListener('hashchange', () => {
  if (!signedIn) return;
  showMonitor(true);
  say('');
  loadView().catch(explain);
});
setInterval(() => {
  if (!token.get() || !signedIn) return;
  if (!$('monitor').hidden) refreshSummary().catch(explain);
  if (!$('changes-page').hidden) refreshFeed().catch(explain);
}, REFRESH_MS);

start().catch(explain);
