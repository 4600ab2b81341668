/** The DynamoDB tables: keys, indexes and TTL attribute of each. */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** 'ALL' projects every attribute; a list projects the keys plus these attributes. */
  readonly projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableDeclaration {
  /** Why the table exists, for the architecture page and on-call. */
  readonly purpose: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDeclaration[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL deletes such items (late: cleanup only). */
  readonly ttlAttribute?: string;
  /** A DynamoDB stream of new images, for a consumer of its writes (the history, the notifier). */
  readonly stream?: 'NEW_IMAGE';
}

const s = (name: string): KeyAttribute => ({ name, type: 'S' });

export const TABLES = {
  definitions: {
    purpose: 'The watch list: one item per definition (what to scrape, how often, at which priority).',
    partitionKey: s('definitionId'),
    indexes: [],
  },
  dueIndex: {
    purpose:
      'Which definitions are due in which slot: one item per (schedule key, definition), so a slot costs reads proportional to the definitions due in it.',
    partitionKey: s('dueKey'),
    sortKey: s('definitionId'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  runs: {
    purpose:
      'One item per (definition, slot) run: status, attempts, lease (owner, expiry, fencing number), checkpoint and counts.',
    partitionKey: s('runId'),
    indexes: [
      { name: 'byStatus', partitionKey: s('status'), sortKey: s('statusChangedAt'), projection: 'ALL' },
      { name: 'byDefinition', partitionKey: s('definitionId'), sortKey: s('slot'), projection: 'ALL' },
      { name: 'byCrawlType', partitionKey: s('crawlType'), sortKey: s('createdAt'), projection: 'ALL' },
      // Sparse: only runs external workers may take (executor worker or any), until they finish;
      // keyed by priority and the time from which a worker may take it (queued, backoff over,
      // lease expired). A worker's pull reads the part whose time has come: nothing, usually.
      {
        name: 'byWorkerReadiness',
        partitionKey: s('workerPool'),
        sortKey: { name: 'workerReadyAt', type: 'N' },
        projection: 'KEYS_ONLY',
      },
    ],
    ttlAttribute: 'expiresAt',
  },
  items: {
    purpose:
      'Time-stamped item snapshots (price, title, rating, rank...) written by scrapers and workers: one per (item, run), so a resumed page rewrites instead of duplicating.',
    partitionKey: s('itemKey'),
    sortKey: s('snapshotId'),
    indexes: [{ name: 'byRun', partitionKey: s('runId'), sortKey: s('itemKey'), projection: 'ALL' }],
    ttlAttribute: 'expiresAt',
    // Feeds the Parquet history (docs/history.md): locally the history pump of `npm start`.
    stream: 'NEW_IMAGE',
  },
  itemStates: {
    purpose:
      'The latest observed state of each item (price, stock, rating, reviews, where it was seen), written with a version condition so every change is decided once.',
    partitionKey: s('itemKey'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  changes: {
    purpose:
      'Changes of items (price up/down, stock, rating, reviews, rank, entered/left a listing, first seen): one per (item, snapshot, kind), written only if absent.',
    partitionKey: s('itemKey'),
    sortKey: s('changeId'),
    indexes: [
      { name: 'byDefinition', partitionKey: s('definitionId'), sortKey: s('detectedAt'), projection: 'ALL' },
      { name: 'byDay', partitionKey: s('detectedDay'), sortKey: s('detectedAt'), projection: 'ALL' },
    ],
    ttlAttribute: 'expiresAt',
    // One stream, two readers: the notifier (docs/changes.md#events-and-alerts; locally the changes
    // pump of `npm start`) and the Parquet history of changes (docs/history.md).
    stream: 'NEW_IMAGE',
  },
  rules: {
    purpose:
      'Watch rules (scope, condition, cool-down, delivery targets); the sparse index byScope finds the rules a change may match.',
    partitionKey: s('ruleId'),
    indexes: [{ name: 'byScope', partitionKey: s('scopeKey'), sortKey: s('ruleId'), projection: 'ALL' }],
  },
  ruleFirings: {
    purpose:
      'Per (rule, item): the arm state (version-conditioned) and each firing, keyed by rule + item + change id and written only if absent, so a change fires a rule once.',
    partitionKey: s('ruleId'),
    sortKey: s('sk'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  workers: {
    purpose: 'External browser workers: registration, last heartbeat, counts. Expire when gone.',
    partitionKey: s('workerId'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  control: {
    purpose:
      'Small control records: the expander watermark, per-domain request budgets, hashed API tokens, report markers.',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof TABLES;
