/**
 * The resource catalogue: every table, queue, topic, function, schedule and alarm of Shelfwatch,
 * declared once. The CDK stack (`infra/`) and the local runtime (`local/`) both read this file;
 * neither declares a resource of its own. Change a resource here and both follow.
 *
 * Everything in this file is plain data (no CDK or SDK types), so it can be imported by Lambda
 * code, the CLI and tests without pulling in aws-cdk-lib.
 */

// The file, not the folder's index: the catalogue stays plain data that infra loads without the SDK.
import { MAX_ATTEMPTS_LIMIT, PRIORITIES, type Priority } from '../definitions/priority.ts';

/** Namespace of every custom metric Shelfwatch emits (EMF). */
export const METRIC_NAMESPACE = 'Shelfwatch';
/** Powertools Metrics always adds a `service` dimension: every Shelfwatch metric uses this one. */
export const METRIC_SERVICE = 'shelfwatch';
/** The dimensions of every custom metric (alarms select on exactly these). */
export const metricDimensions = (stage: string): Record<string, string> => ({
  service: METRIC_SERVICE,
  Stage: stage,
});

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Queues
// ---------------------------------------------------------------------------------------------

export interface QueueDeclaration {
  readonly priority: Priority;
  readonly purpose: string;
  /** Must be at least six times the consumer's timeout (AWS guidance for Lambda event sources). */
  readonly visibilityTimeoutSeconds: number;
  /**
   * Receives before SQS moves a message to the queue's DLQ. Retries reuse the message (a
   * visibility change), so this must exceed the largest `maxAttempts` a definition may have
   * (MAX_ATTEMPTS_LIMIT) plus room for duplicates and "later" deferrals: only a message that
   * keeps crashing its consumer should reach the DLQ.
   */
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
  readonly dlqRetentionSeconds: number;
  /** Messages per scraper invocation. */
  readonly batchSize: number;
  /** Default maximum concurrency of the queue's event source mapping (overridable per deployment). */
  readonly maxConcurrency: number;
}

const DAY_SECONDS = 86_400;

const MAX_RECEIVE_COUNT = MAX_ATTEMPTS_LIMIT + 5;

/** The scraper's Lambda timeout; queue visibility timeouts are derived from it. */
export const SCRAPER_TIMEOUT_SECONDS = 300;

export const QUEUES = {
  high: {
    priority: 'high',
    purpose: 'Runs of high-priority definitions; drained first by Lambda and by external workers.',
    visibilityTimeoutSeconds: 6 * SCRAPER_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    retentionSeconds: 4 * DAY_SECONDS,
    dlqRetentionSeconds: 14 * DAY_SECONDS,
    batchSize: 1,
    maxConcurrency: 10,
  },
  normal: {
    priority: 'normal',
    purpose: 'Runs of normal-priority definitions.',
    visibilityTimeoutSeconds: 6 * SCRAPER_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    retentionSeconds: 4 * DAY_SECONDS,
    dlqRetentionSeconds: 14 * DAY_SECONDS,
    batchSize: 1,
    maxConcurrency: 5,
  },
  low: {
    priority: 'low',
    purpose: 'Runs of low-priority definitions; never allowed to starve high (own concurrency cap).',
    visibilityTimeoutSeconds: 6 * SCRAPER_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    retentionSeconds: 4 * DAY_SECONDS,
    dlqRetentionSeconds: 14 * DAY_SECONDS,
    batchSize: 1,
    maxConcurrency: 2,
  },
} as const satisfies Record<Priority, QueueDeclaration>;

// ---------------------------------------------------------------------------------------------
// Alarm topics
// ---------------------------------------------------------------------------------------------

export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TOPICS = {
  critical: { purpose: 'Alarms that page on-call: the pipeline has stopped or is losing work.' },
  warning: { purpose: 'Alarms for working hours: degraded quality, backlogs, daily report summaries.' },
} as const satisfies Record<Severity, { purpose: string }>;

// ---------------------------------------------------------------------------------------------
// Buckets
// ---------------------------------------------------------------------------------------------

export interface BucketDeclaration {
  readonly purpose: string;
  /** Objects are deleted this many days after creation (lifecycle rule). */
  readonly expireAfterDays: number;
}

export const BUCKETS = {
  reports: { purpose: 'Daily reports of the monitor, one JSON object per UTC day.', expireAfterDays: 400 },
} as const satisfies Record<string, BucketDeclaration>;

export type BucketName = keyof typeof BUCKETS;

// ---------------------------------------------------------------------------------------------
// Event bus
// ---------------------------------------------------------------------------------------------

/** The bus every finished run's summary goes to (`source: shelfwatch`, `detail-type: Run finished`). */
export const RUN_EVENTS_BUS = {
  name: 'runs',
  purpose: 'One summary event per finished run, for downstream consumers (alerts, warehouses).',
  /** Days the bus archive keeps events for replay. */
  archiveRetentionDays: 7,
} as const;

// ---------------------------------------------------------------------------------------------
// Functions and what each may touch (the source of every IAM grant)
// ---------------------------------------------------------------------------------------------

export type TableAccess = 'read' | 'write' | 'readWrite';

export interface FunctionDeclaration {
  readonly purpose: string;
  /** Handler file, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** x86_64 where a native binary needs it (the Lambda Chromium has no ARM build). */
  readonly architecture: 'arm64' | 'x86_64';
  readonly tables: Partial<Record<TableName, TableAccess>>;
  readonly sendsTo: readonly Priority[];
  readonly consumes: readonly Priority[];
  /** Reads queue attributes and DLQ messages (depth, redrive) of these priorities. */
  readonly inspectsQueues: readonly Priority[];
  /** Receives and deletes run messages itself, without an event source (external workers pull through it). */
  readonly pullsFrom?: readonly Priority[];
  /** Moves messages from these priorities' DLQs back to their queues (receive and delete on the DLQ). */
  readonly redrivesFrom?: readonly Priority[];
  readonly publishesTo: readonly Severity[];
  /** Buckets it writes objects to. */
  readonly writesTo?: readonly BucketName[];
  /** Reads the chat-webhook secret and is subscribed to the alarm topics, when one is configured. */
  readonly forwardsAlarms?: boolean;
  /** Puts run-summary events on the run events bus. */
  readonly publishesRunEvents?: boolean;
  /** Ships @sparticuz/chromium's compressed browser beside the bundle (the `bin` folder). */
  readonly bundlesChromium?: boolean;
  /** Ships the monitor page's files (web/) beside the bundle: the API serves them at GET /. */
  readonly servesWebPage?: boolean;
  /** Reads this stage's alarm states (DescribeAlarms) for the web page and the CLI. */
  readonly readsAlarmStates?: boolean;
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
    tables: { definitions: 'write', runs: 'readWrite', items: 'write', control: 'readWrite' },
    // Its own queues: a run handed back (deadline, domain over budget) goes back as a new, delayed message.
    sendsTo: PRIORITIES,
    consumes: PRIORITIES,
    inspectsQueues: [],
    publishesTo: [],
    publishesRunEvents: true,
    bundlesChromium: true,
  },
  monitor: {
    purpose: 'Every few minutes: emits health metrics, repairs stuck runs, marks dead letters.',
    entry: 'functions/monitor/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 120,
    architecture: 'arm64',
    tables: { definitions: 'read', runs: 'readWrite', workers: 'read', control: 'readWrite' },
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
      workers: 'readWrite',
      control: 'readWrite',
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
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof FUNCTIONS;

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

export interface ScheduleDeclaration {
  readonly purpose: string;
  readonly target: FunctionName;
  /** EventBridge Scheduler expression: `cron(...)` or `rate(...)`. Overridable per deployment. */
  readonly expression: string;
  /** IANA zone the expression is evaluated in. */
  readonly timeZone: string;
}

export const SCHEDULES = {
  expander: {
    purpose: 'Start of every UTC hour: expand the slot that just began (and catch up missed ones).',
    target: 'expander',
    expression: 'cron(0 * * * ? *)',
    timeZone: 'UTC',
  },
  monitor: {
    purpose: 'Health metrics, repair and dead-letter marking.',
    target: 'monitor',
    expression: 'rate(5 minutes)',
    timeZone: 'UTC',
  },
} as const satisfies Record<string, ScheduleDeclaration>;

export type ScheduleName = keyof typeof SCHEDULES;

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

export type AlarmMetric =
  /** A Shelfwatch metric in METRIC_NAMESPACE with `metricDimensions(stage)`. */
  | { readonly kind: 'custom'; readonly name: string; readonly statistic: 'Sum' | 'Average' | 'Maximum' }
  /** An SQS metric of one priority's queue or its DLQ. */
  | {
      readonly kind: 'queue';
      readonly priority: Priority;
      readonly deadLetter: boolean;
      readonly name: 'ApproximateNumberOfMessagesVisible' | 'ApproximateAgeOfOldestMessage';
      readonly statistic: 'Maximum';
    }
  /** A Lambda metric of one function. */
  | {
      readonly kind: 'function';
      readonly function: FunctionName;
      readonly name: 'Errors' | 'Throttles' | 'Duration';
      readonly statistic: 'Sum' | 'p99';
    };

export interface AlarmDeclaration {
  readonly description: string;
  readonly metric: AlarmMetric;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** 'breaching' for heartbeats: silence is the failure. */
  readonly treatMissingData: 'breaching' | 'notBreaching';
  readonly severity: Severity;
  /** File name (without .md) under docs/runbooks/. */
  readonly runbook: string;
}

const custom = (name: string, statistic: 'Sum' | 'Average' | 'Maximum'): AlarmMetric => ({
  kind: 'custom',
  name,
  statistic,
});

const pipelineAlarms = {
  ExpanderHeartbeatMissing: {
    description: 'The expander has not reported a heartbeat for two hours: no new runs are being created.',
    metric: custom('ExpanderHeartbeat', 'Sum'),
    comparison: 'LessThanThreshold',
    threshold: 1,
    periodSeconds: 3600,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'breaching',
    severity: 'critical',
    runbook: 'expander-heartbeat-missing',
  },
  MonitorHeartbeatMissing: {
    description: 'The monitor has not reported for 15 minutes: health metrics and repairs have stopped.',
    metric: custom('MonitorHeartbeat', 'Sum'),
    comparison: 'LessThanThreshold',
    threshold: 1,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'breaching',
    severity: 'critical',
    runbook: 'monitor-heartbeat-missing',
  },
  SuccessRateLow: {
    description: 'Fewer than 80% of the runs that finished in the last 15 minutes succeeded.',
    metric: custom('SuccessRate', 'Average'),
    comparison: 'LessThanThreshold',
    threshold: 0.8,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'critical',
    runbook: 'success-rate-low',
  },
  BlockedRateHigh: {
    description: 'More than 20% of page loads hit a captcha, robot check or 403/429.',
    metric: custom('BlockedRate', 'Average'),
    comparison: 'GreaterThanThreshold',
    threshold: 0.2,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'blocked-rate-high',
  },
  FieldCompletenessLow: {
    description: 'Scraped items carry fewer than 90% of their required fields: an extractor may be broken.',
    metric: custom('FieldCompleteness', 'Average'),
    comparison: 'LessThanThreshold',
    threshold: 0.9,
    periodSeconds: 900,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'field-completeness-low',
  },
  StaleDefinitions: {
    description:
      'Enabled definitions without a successful run within twice their period (measured hourly), two hours in a row.',
    metric: custom('StaleDefinitions', 'Maximum'),
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 3600,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'stale-definitions',
  },
  ExpiredLeases: {
    description:
      'Runs whose lease expired long ago were moved back to QUEUED by the monitor, but SQS refused their new message.',
    metric: custom('ExpiredLeases', 'Maximum'),
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'expired-leases',
  },
  RunsQueuedTooLong: {
    description: 'Runs have waited in QUEUED for over an hour: consumers are not keeping up.',
    metric: custom('RunsQueuedTooLong', 'Maximum'),
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'runs-queued-too-long',
  },
  SlotsSkipped: {
    description: 'The expander skipped slots older than its catch-up window: those runs will never exist.',
    metric: custom('SlotsSkipped', 'Sum'),
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 3600,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'slots-skipped',
  },
} as const satisfies Record<string, AlarmDeclaration>;

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

function queueAlarms(): Record<string, AlarmDeclaration> {
  const alarms: Record<string, AlarmDeclaration> = {};
  for (const priority of PRIORITIES) {
    alarms[`${capitalise(priority)}DeadLetters`] = {
      description: `Messages in the ${priority}-priority DLQ: runs that crashed their consumer ${QUEUES[priority].maxReceiveCount} times.`,
      metric: {
        kind: 'queue',
        priority,
        deadLetter: true,
        name: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
      },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      severity: priority === 'high' ? 'critical' : 'warning',
      runbook: 'dead-letters',
    };
    alarms[`${capitalise(priority)}QueueOldestMessageAge`] = {
      description: `The oldest ${priority}-priority message has waited over an hour: scrapers are behind or stopped.`,
      metric: {
        kind: 'queue',
        priority,
        deadLetter: false,
        name: 'ApproximateAgeOfOldestMessage',
        statistic: 'Maximum',
      },
      comparison: 'GreaterThanThreshold',
      threshold: 3600,
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: priority === 'high' ? 'critical' : 'warning',
      runbook: 'queue-backlog',
    };
  }
  return alarms;
}

function functionAlarms(): Record<string, AlarmDeclaration> {
  const alarms: Record<string, AlarmDeclaration> = {};
  for (const [name, fn] of Object.entries(FUNCTIONS) as [FunctionName, FunctionDeclaration][]) {
    const prefix = capitalise(name);
    alarms[`${prefix}Errors`] = {
      description: `The ${name} function failed invocations (unhandled errors, timeouts, crashes).`,
      metric: { kind: 'function', function: name, name: 'Errors', statistic: 'Sum' },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      severity: 'warning',
      runbook: 'function-errors',
    };
    alarms[`${prefix}Throttles`] = {
      description: `The ${name} function was throttled: account or reserved concurrency is exhausted.`,
      metric: { kind: 'function', function: name, name: 'Throttles', statistic: 'Sum' },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      severity: 'warning',
      runbook: 'function-throttles',
    };
    alarms[`${prefix}DurationNearTimeout`] = {
      description: `The ${name} function's p99 duration is above 80% of its ${fn.timeoutSeconds} s timeout.`,
      metric: { kind: 'function', function: name, name: 'Duration', statistic: 'p99' },
      comparison: 'GreaterThanThreshold',
      threshold: fn.timeoutSeconds * 1000 * 0.8,
      periodSeconds: 900,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      severity: 'warning',
      runbook: 'function-duration-near-timeout',
    };
  }
  return alarms;
}

export const ALARMS: Readonly<Record<string, AlarmDeclaration>> = {
  ...pipelineAlarms,
  ...queueAlarms(),
  ...functionAlarms(),
};

// ---------------------------------------------------------------------------------------------
// Names: one rule for physical names, used by CDK and the local runtime alike
// ---------------------------------------------------------------------------------------------

/** Stage names become part of resource names, so they are restricted to a safe alphabet. */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

export function assertValidStage(stage: string): void {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(
      `stage "${stage}" is invalid: use 1-16 lowercase letters, digits or '-', starting with a letter`,
    );
  }
}

export const resourceName = (stage: string, name: string): string => `shelfwatch-${stage}-${name}`;
export const tableName = (stage: string, table: TableName): string => resourceName(stage, table);
export const queueName = (stage: string, priority: Priority): string =>
  resourceName(stage, `runs-${priority}`);
export const deadLetterQueueName = (stage: string, priority: Priority): string =>
  resourceName(stage, `runs-${priority}-dlq`);
export const topicName = (stage: string, severity: Severity): string =>
  resourceName(stage, `alarms-${severity}`);
export const alarmName = (stage: string, alarm: string): string => resourceName(stage, alarm);
/** Local bucket names (in AWS, CloudFormation names buckets: names are global). */
export const localBucketName = (stage: string, bucket: BucketName): string =>
  resourceName(stage, bucket).toLowerCase();
