/** The Lambda functions and what each may touch: the source of every IAM grant and environment variable. */
// The file, not the folder's index: the catalogue stays plain data, loaded without the AWS SDK.
import { PRIORITIES, type Priority } from '../definitions/priority.ts';
import type { BucketName } from './buckets.ts';
import type { FailureQueueName } from './queues.ts';
import type { TableName } from './tables.ts';
import type { Severity } from './topics.ts';

/** The scraper's Lambda timeout; queue visibility timeouts are derived from it. */
export const SCRAPER_TIMEOUT_SECONDS = 300;
/** The webhook sender's timeout: a batch of 10 deliveries, each bounded by its own 5 s timeout. */
export const WEBHOOK_SENDER_TIMEOUT_SECONDS = 60;

export type TableAccess = 'read' | 'write' | 'readWrite';

/** A DynamoDB stream a function consumes through an event source mapping. */
export interface StreamConsumption {
  /** The table whose stream (catalogue `stream`) is read. */
  readonly table: TableName;
  /** The stream events that invoke the function (the mapping filters the others out). */
  readonly eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  /** Records per invocation at most (Lambda allows 10,000 within a 6 MB payload). */
  readonly batchSize: number;
  /** Seconds Lambda gathers records before invoking (fewer, larger batches). */
  readonly maxBatchingWindowSeconds: number;
  /** Retries of a failing batch, bisected each time, before it is described on the failure queue. */
  readonly retryAttempts: number;
  /** Where a batch that still fails is described (shard and sequence numbers, not the records). */
  readonly failureQueue: FailureQueueName;
}

export interface FunctionDeclaration {
  readonly purpose: string;
  /** Handler file, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** x86_64 where a native binary needs it (the Lambda Chromium has no ARM build). */
  readonly architecture: 'arm64' | 'x86_64';
  readonly tables: Partial<Record<TableName, TableAccess>>;
  /** Sends run messages to both queues (browser and HTTP) of these priorities: routing picks one per run. */
  readonly sendsTo: readonly Priority[];
  /** Browser queues (`runs-<priority>`) it is invoked from, one event source mapping each. */
  readonly consumes: readonly Priority[];
  /** HTTP queues (`runs-<priority>-http`) it is invoked from, one event source mapping each. */
  readonly consumesHttp?: readonly Priority[];
  /** Reads queue attributes (both queues) and DLQ messages (depth, redrive) of these priorities. */
  readonly inspectsQueues: readonly Priority[];
  /** Receives and deletes run messages itself from the browser queues (external browser workers pull through it). */
  readonly pullsFrom?: readonly Priority[];
  /** Moves messages from these priorities' DLQs back to their queues (receive and delete on the DLQ). */
  readonly redrivesFrom?: readonly Priority[];
  readonly publishesTo: readonly Severity[];
  /** Buckets it writes objects to. */
  readonly writesTo?: readonly BucketName[];
  /** Reads the chat-webhook secret and is subscribed to the alarm topics, when one is configured. */
  readonly forwardsAlarms?: boolean;
  /** Puts events on the run events bus (run summaries, changes). */
  readonly publishesRunEvents?: boolean;
  /** Publishes fired rules to the alerts topic (Publish, with its key's actions). */
  readonly publishesAlerts?: boolean;
  /** Reads web pages: gets the proxy secret (GetSecretValue) and the user agents, when configured. */
  readonly scrapesPages?: boolean;
  /** Ships @sparticuz/chromium's compressed browser beside the bundle (the `bin` folder). */
  readonly bundlesChromium?: boolean;
  /** Ships the monitor page's files (web/) beside the bundle: the API serves them at GET /. */
  readonly servesWebPage?: boolean;
  /** Reads this stage's alarm states (DescribeAlarms) for the web page and the CLI. */
  readonly readsAlarmStates?: boolean;
  /**
   * Invoked with the records of a table's stream, or of several (one event source mapping each;
   * each grants its stream's reads). `streamsConsumedBy` reads either form.
   */
  readonly consumesStream?: StreamConsumption | readonly StreamConsumption[];
  /** Writes Parquet files under the history tables' prefixes of the history bucket (PutObject only). */
  readonly writesHistory?: boolean;
  /**
   * Compacts the history: lists the history bucket under the history tables' prefixes only
   * (ListBucket with an `s3:prefix` condition), and gets, puts and deletes objects under them.
   */
  readonly compactsHistory?: boolean;
  /**
   * Its Errors alarm where the generated one (errors in 2 of 2 periods of 5 minutes, runbook
   * function-errors) does not fit, e.g. a daily function whose one failed run must alarm.
   */
  readonly errorsAlarm?: {
    readonly description: string;
    readonly runbook: string;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
  };
  /**
   * Queries the history through Athena: runs queries in the stage's workgroup, reads the Glue
   * database and tables, reads the history bucket, reads and writes the results bucket's prefix.
   */
  readonly queriesHistory?: boolean;
  /** Ships @duckdb/node-api and its Linux x64 binding beside the bundle (esbuild cannot bundle a .node file). */
  readonly bundlesDuckDb?: boolean;
  /** Sends webhook deliveries (SendMessage on the webhooks queue): the rule evaluation that fires them. */
  readonly enqueuesWebhooks?: true;
  /**
   * Invoked from the webhooks queue (event source mapping, batch item failures); moves deliveries
   * that can never succeed to its DLQ (SendMessage); reads the deployment's webhook secrets
   * (GetSecretValue on `shelfwatch/<stage>/webhooks/<id>` of the listed ids only).
   */
  readonly deliversWebhooks?: true;
}

export const FUNCTIONS = {
  expander: {
    purpose: 'Turns the definitions due in each hourly slot into runs and queue messages.',
    entry: 'functions/expander/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 900,
    architecture: 'arm64',
    tables: { definitions: 'read', dueIndex: 'read', runs: 'readWrite', control: 'readWrite' },
    sendsTo: PRIORITIES,
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
  },
  scraper: {
    purpose: 'Consumes run messages, holds the run lease, drives headless Chromium, stores items.',
    entry: 'functions/scraper/handler.ts',
    memoryMb: 2048,
    timeoutSeconds: SCRAPER_TIMEOUT_SECONDS,
    architecture: 'x86_64',
    // items read, runs read: a listing's baseline (its definition's last complete run, byDefinition
    // then byRun); itemStates and changes: change detection on every save.
    tables: {
      definitions: 'write',
      runs: 'readWrite',
      items: 'readWrite',
      itemStates: 'readWrite',
      changes: 'write',
      control: 'readWrite',
    },
    // Its own queues: a run handed back (deadline, domain over budget) goes back as a new, delayed message.
    sendsTo: PRIORITIES,
    consumes: PRIORITIES,
    inspectsQueues: [],
    publishesTo: [],
    publishesRunEvents: true,
    scrapesPages: true,
    bundlesChromium: true,
  },
  httpScraper: {
    purpose:
      'Consumes run messages of HTTP and auto runs: reads pages over HTTP (no Chromium), stores items; hands an escalating run to the browser queue.',
    entry: 'functions/http-scraper/handler.ts',
    // 512 MB: the bundle is ~3.1 MB of JavaScript (no browser); a run holds one response (at most
    // SHELFWATCH_SCRAPER_MAX_RESPONSE_BYTES) and its parse5 tree. Not 256: Lambda's CPU grows with
    // memory and parsing is CPU-bound. Peak RSS not yet measured (docs/scraper.md, "Memory").
    memoryMb: 512,
    timeoutSeconds: SCRAPER_TIMEOUT_SECONDS,
    // No native binary: Graviton is cheaper per GB-second.
    architecture: 'arm64',
    // As the Chromium scraper: items readWrite (the listing baseline reads the last complete run's
    // items), item states and changes for change detection on every saved page.
    tables: {
      definitions: 'write',
      runs: 'readWrite',
      items: 'readWrite',
      itemStates: 'readWrite',
      changes: 'write',
      control: 'readWrite',
    },
    // Its own queues (deadline, budget) and the browser queues (a run that escalates is handed over).
    sendsTo: PRIORITIES,
    consumes: [],
    consumesHttp: PRIORITIES,
    inspectsQueues: [],
    publishesTo: [],
    publishesRunEvents: true,
    scrapesPages: true,
  },
  monitor: {
    purpose: 'Every few minutes: emits health metrics, repairs stuck runs, marks dead letters.',
    entry: 'functions/monitor/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 120,
    architecture: 'arm64',
    // definitions: the staleness scan (never the due index); control: the daily report's marker.
    tables: { definitions: 'read', runs: 'readWrite', control: 'readWrite' },
    sendsTo: PRIORITIES,
    consumes: [],
    inspectsQueues: PRIORITIES,
    publishesTo: ['warning'],
    writesTo: ['reports'],
  },
  alarmForwarder: {
    purpose:
      'Forwards alarm notifications to a chat webhook (Slack, DingTalk, Feishu) when one is configured.',
    entry: 'functions/alarm-forwarder/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    architecture: 'arm64',
    tables: {},
    sendsTo: [],
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
    forwardsAlarms: true,
  },
  api: {
    purpose:
      "The HTTP API: definitions, runs, stats, DLQ redrive, workers, tokens, and seed 004's contract for external browser workers.",
    entry: 'functions/api/handler.ts',
    memoryMb: 512,
    // API Gateway HTTP APIs give up after 30 s.
    timeoutSeconds: 29,
    architecture: 'arm64',
    tables: {
      definitions: 'readWrite',
      dueIndex: 'readWrite',
      runs: 'readWrite',
      items: 'readWrite',
      // Worker ingest records changes; GET /items/{key} and GET /changes read them.
      itemStates: 'readWrite',
      changes: 'readWrite',
      workers: 'readWrite',
      control: 'readWrite',
      // Rules CRUD; test-fire reads an item's state and changes. ruleFirings: arm states and
      // firings are written by the rule evaluation, which the API does not run.
      rules: 'readWrite',
    },
    sendsTo: PRIORITIES,
    consumes: [],
    inspectsQueues: PRIORITIES,
    pullsFrom: PRIORITIES,
    redrivesFrom: PRIORITIES,
    publishesTo: [],
    // Runs finished by external workers get the same summary event as the scraper's.
    publishesRunEvents: true,
    servesWebPage: true,
    readsAlarmStates: true,
    // GET /exports and `shelfwatch query --stage` run their SQL in Athena (docs/history.md).
    queriesHistory: true,
  },
  history: {
    purpose:
      "Copies the items and changes tables' streams (new and changed snapshots, recorded changes) into Parquet files in the history bucket.",
    entry: 'functions/history/handler.ts',
    // DuckDB writes the batch in memory; 1 GB also buys the CPU that compresses it.
    memoryMb: 1024,
    timeoutSeconds: 300,
    // The shipped DuckDB binding is Linux x64 (the one npm installs on this machine).
    architecture: 'x86_64',
    tables: {},
    sendsTo: [],
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
    // One function, two mappings (items → snapshots/v1, changes → changes/v1): the same code and
    // DuckDB bundle, alarms and failure queue; its PutObject is on the two history prefixes only.
    consumesStream: [
      {
        table: 'items',
        // Removals (TTL cleaning old snapshots) are not history.
        eventNames: ['INSERT', 'MODIFY'],
        batchSize: 2_000,
        maxBatchingWindowSeconds: 120,
        retryAttempts: 5,
        failureQueue: 'historyFailures',
      },
      {
        table: 'changes',
        // Removals (TTL cleaning old changes) are not history.
        eventNames: ['INSERT', 'MODIFY'],
        batchSize: 2_000,
        maxBatchingWindowSeconds: 120,
        retryAttempts: 5,
        failureQueue: 'historyFailures',
      },
    ],
    writesHistory: true,
    bundlesDuckDb: true,
  },
  historyCompactor: {
    purpose:
      "Daily: compacts each finished day's history files, per partition, into one Parquet file sorted by item (snapshots and changes), then deletes the files it replaced.",
    entry: 'functions/history-compactor/handler.ts',
    // DuckDB reads a partition's day and writes it sorted and de-duplicated: its buffers are
    // capped at half the function's memory (spilling to /tmp past it); Node and DuckDB's library
    // take ~160 MiB (measured for exports), and CPU, which the sort and compression use, grows
    // with memory.
    memoryMb: 1024,
    // The first run after deploying lists and compacts every day written so far; a run cut short
    // leaves each partition whole (compacted or not) and the next run goes on.
    timeoutSeconds: 900,
    // The shipped DuckDB binding is Linux x64, as for the history function.
    architecture: 'x86_64',
    tables: {},
    sendsTo: [],
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
    compactsHistory: true,
    bundlesDuckDb: true,
    // One run a day: a single failed run (and Lambda's two retries of it) must alarm.
    errorsAlarm: {
      description:
        'The history compactor failed: some finished days were not compacted (their files are unchanged and still read correctly); queries over them open more files until a run succeeds.',
      runbook: 'history-compaction',
      periodSeconds: 3600,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    },
  },
  notifier: {
    purpose:
      "Consumes the changes table's stream: one event per change on the run events bus, watch rules evaluated, fired rules to the alerts topic (and webhooks).",
    entry: 'functions/notifier/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 120,
    architecture: 'arm64',
    // What evaluateRules reads (rules by scope, item states, an item's price history) and writes
    // (arm states and firings); ruleFirings also holds each firing's delivery marks.
    tables: { rules: 'read', itemStates: 'read', items: 'read', ruleFirings: 'readWrite' },
    sendsTo: [],
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
    consumesStream: {
      table: 'changes',
      // A change is written once (only if absent); MODIFY and REMOVE (TTL) are not new changes.
      eventNames: ['INSERT'],
      batchSize: 100,
      maxBatchingWindowSeconds: 5,
      retryAttempts: 10,
      failureQueue: 'notifierFailures',
    },
    publishesRunEvents: true,
    publishesAlerts: true,
    enqueuesWebhooks: true,
  },
  webhookSender: {
    purpose:
      'Delivers fired watch rules to webhooks: renders, signs and posts each delivery, retries with backoff, dead-letters what cannot succeed.',
    entry: 'functions/webhook-sender/handler.ts',
    // One small JSON body at a time; no parsing beyond zod.
    memoryMb: 256,
    timeoutSeconds: WEBHOOK_SENDER_TIMEOUT_SECONDS,
    architecture: 'arm64',
    tables: {},
    sendsTo: [],
    consumes: [],
    inspectsQueues: [],
    publishesTo: [],
    deliversWebhooks: true,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof FUNCTIONS;

/** The streams a function consumes, whichever form its declaration uses. */
export const streamsConsumedBy = (declaration: FunctionDeclaration): readonly StreamConsumption[] => {
  const consumed = declaration.consumesStream;
  if (consumed === undefined) return [];
  return 'table' in consumed ? [consumed] : consumed;
};
