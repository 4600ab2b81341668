// Views: plain DOM built from API answers. Every value goes in as text (textContent), never as
// HTML, so nothing a scraped page or a definition holds can run here.

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD_LETTERED'];
const RETRYABLE = ['FAILED', 'CANCELLED', 'DEAD_LETTERED'];

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string | null | undefined)[]} children
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/**
 * @param {string[]} headings
 * @param {HTMLTableRowElement[]} rows
 * @param {string} empty shown when there are no rows
 */
export function table(headings, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', {}, heading)))),
    el('tbody', {}, ...rows),
  );
}

/** @param {(Node | string)[]} cells */
const row = (cells, attributes = {}) =>
  /** @type {HTMLTableRowElement} */ (el('tr', attributes, ...cells.map((cell) => el('td', {}, cell))));

const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z') : '—');

/** @param {string} status */
export const statusBadge = (status) => el('span', { class: `status status-${status}` }, status);

/** @param {{ available: boolean, alarms: { name: string, severity: string, description: string, runbook: string }[] }} answer */
export function alarmsView(answer) {
  if (!answer.available)
    return el('p', { class: 'muted' }, 'Alarm states are not available in this deployment.');
  if (answer.alarms.length === 0) return el('p', { class: 'ok' }, 'No alarm is in state ALARM.');
  return el(
    'ul',
    { class: 'alarms' },
    ...answer.alarms.map((alarm) =>
      el(
        'li',
        { class: `alarm severity-${alarm.severity}` },
        el('strong', {}, alarm.name),
        ` (${alarm.severity}): ${alarm.description} Runbook: docs/runbooks/${alarm.runbook}.md`,
      ),
    ),
  );
}

/** @param {{ queues: Record<string, { visible: number, inFlight: number, delayed: number, deadLetters: number }> }} stats */
export function queuesView(stats) {
  return table(
    ['Priority', 'Visible', 'In flight', 'Delayed', 'DLQ'],
    Object.entries(stats.queues).map(([priority, depth]) => {
      const tr = row([
        priority,
        String(depth.visible),
        String(depth.inFlight),
        String(depth.delayed),
        String(depth.deadLetters),
      ]);
      if (depth.deadLetters > 0) tr.classList.add('warn');
      return tr;
    }),
    'No queues.',
  );
}

/**
 * @param {{ runsByStatus: Record<string, number> }} stats
 * @param {(status: string) => void} onPick
 */
export function statusCountsView(stats, onPick) {
  return el(
    'div',
    { class: 'counts' },
    ...Object.entries(stats.runsByStatus).map(([status, count]) => {
      const button = el(
        'button',
        { type: 'button', class: 'count', 'data-status': status },
        statusBadge(status),
        ` ${count}`,
      );
      button.addEventListener('click', () => onPick(status));
      return button;
    }),
  );
}

/**
 * @param {any[]} runs
 * @param {{ open: (runId: string) => void, retry: (runId: string) => void, cancel: (runId: string) => void }} actions
 */
export function runsView(runs, actions) {
  return table(
    ['Run', 'Status', 'Crawl type', 'Attempts', 'Saved', 'Status changed', ''],
    runs.map((run) => runRow(run, actions)),
    'No runs match the filter.',
  );
}

/** @param {any} run @param {{ open: Function, retry: Function, cancel: Function }} actions */
export function runRow(run, actions) {
  const link = el('button', { type: 'button', class: 'link' }, run.runId);
  link.addEventListener('click', () => actions.open(run.runId));
  const buttons = el('span', { class: 'actions' });
  if (RETRYABLE.includes(run.status)) {
    const retry = el('button', { type: 'button', class: 'retry' }, 'Retry');
    retry.addEventListener('click', () => actions.retry(run.runId));
    buttons.append(retry);
  }
  if (!TERMINAL.includes(run.status)) {
    const cancel = el('button', { type: 'button', class: 'cancel' }, 'Cancel');
    cancel.addEventListener('click', () => actions.cancel(run.runId));
    buttons.append(cancel);
  }
  return row(
    [
      link,
      statusBadge(run.status),
      run.crawlType,
      `${run.attempts}/${run.maxAttempts}`,
      String(run.counts?.saved ?? 0),
      time(run.statusChangedAt),
      buttons,
    ],
    { 'data-run-id': run.runId },
  );
}

/** @param {any} run */
export function runDetailView(run) {
  const checkpoint = run.checkpoint;
  const entries = [
    ['Status', statusBadge(run.status)],
    ['Definition', run.definitionId],
    ['Target', `${run.platform} ${run.marketplace} ${run.crawlType}: ${run.target}`],
    ['Attempts', `${run.attempts} of ${run.maxAttempts} (blocked ${run.blockedAttempts})`],
    [
      'Lease',
      run.lease
        ? `${run.lease.owner}, fencing ${run.lease.fencingToken}, until ${time(new Date(run.lease.expiresAtMs).toISOString())}`
        : '—',
    ],
    [
      'Checkpoint',
      checkpoint
        ? `page ${checkpoint.page} done, ${checkpoint.itemsSoFar} items so far${checkpoint.lastItemId ? `, last ${checkpoint.lastItemId}` : ''}${checkpoint.nextUrl ? `, next ${checkpoint.nextUrl}` : ''}`
        : 'none yet',
    ],
    [
      'Counts',
      `scraped ${run.counts.scraped}, saved ${run.counts.saved}, skipped ${run.counts.skipped}, invalid ${run.counts.invalid}`,
    ],
    [
      'Last failure',
      run.lastFailure
        ? `${run.lastFailure.failureClass ?? ''} ${run.lastFailure.message ?? ''} (${time(run.lastFailure.at)})`
        : '—',
    ],
    ['Next attempt', time(run.nextAttemptAt)],
    ['Created / finished', `${time(run.createdAt)} / ${time(run.finishedAt)}`],
  ];
  return el(
    'dl',
    { class: 'detail' },
    ...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
}

/** @param {any[]} workers */
export function workersView(workers) {
  return table(
    ['Worker', 'Status', 'Browser', 'Last heartbeat', 'Success rate', 'Task'],
    workers.map((worker) =>
      row([
        worker.workerId,
        el('span', { class: `status worker-${worker.status}` }, worker.status),
        [worker.browserType, worker.browserVersion].filter(Boolean).join(' ') || '—',
        time(worker.lastHeartbeatAt),
        worker.successRate === null ? '—' : `${Math.round(worker.successRate * 100)}%`,
        worker.currentRunId ?? '—',
      ]),
    ),
    'No workers have registered.',
  );
}

/**
 * @param {Record<string, { depth: number, messages: any[] }>} dlq
 * @param {{ redriveOne: (priority: string, messageId: string) => void, redriveAll: (priority: string) => void }} actions
 */
export function dlqView(dlq, actions) {
  const sections = Object.entries(dlq).map(([priority, { depth, messages }]) => {
    const heading = el('h3', {}, `${priority}: ${depth} message${depth === 1 ? '' : 's'}`);
    if (depth === 0) return el('div', { class: 'dlq' }, heading);
    const all = el(
      'button',
      { type: 'button', class: 'redrive-all', 'data-priority': priority },
      `Redrive all ${priority}`,
    );
    all.addEventListener('click', () => actions.redriveAll(priority));
    const rows = messages.map((message) => {
      const redrive = el('button', { type: 'button', class: 'redrive' }, 'Redrive');
      redrive.addEventListener('click', () => actions.redriveOne(priority, message.messageId));
      return row([
        message.runId ?? '(not a run message)',
        time(message.sentAt),
        String(message.receiveCount),
        redrive,
      ]);
    });
    return el('div', { class: 'dlq' }, heading, all, table(['Run', 'Sent', 'Receives', ''], rows, ''));
  });
  return el('div', {}, ...sections);
}
