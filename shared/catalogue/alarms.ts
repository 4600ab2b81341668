/** The CloudWatch alarms: each names its metric, threshold, severity and runbook. */
// The file, not the folder's index: the catalogue stays plain data, loaded without the AWS SDK.
import { PRIORITIES, type Priority } from '../definitions/priority.ts';
import { type FunctionDeclaration, FUNCTIONS, type FunctionName } from './functions.ts';
import { type FailureQueueName, QUEUES, type RunQueueMode, WEBHOOK_QUEUE } from './queues.ts';
import type { Severity } from './topics.ts';

export type AlarmMetric =
  /** A Shelfwatch metric in METRIC_NAMESPACE with `metricDimensions(stage)`. */
  | { readonly kind: 'custom'; readonly name: string; readonly statistic: 'Sum' | 'Average' | 'Maximum' }
  /** An SQS metric of one priority's queue (browser, or `mode: 'http'`) or its DLQ. */
  | {
      readonly kind: 'queue';
      readonly priority: Priority;
      readonly deadLetter: boolean;
      /** Which of the priority's queues; absent: the browser queue (`runs-<priority>`). */
      readonly mode?: RunQueueMode;
      readonly name: 'ApproximateNumberOfMessagesVisible' | 'ApproximateAgeOfOldestMessage';
      readonly statistic: 'Maximum';
    }
  /** A Lambda metric of one function (IteratorAge: of a stream consumer, in milliseconds). */
  | {
      readonly kind: 'function';
      readonly function: FunctionName;
      readonly name: 'Errors' | 'Throttles' | 'Duration' | 'IteratorAge';
      readonly statistic: 'Sum' | 'p99' | 'Maximum';
    }
  /** An SQS metric of the webhooks queue or its DLQ. */
  | {
      readonly kind: 'webhookQueue';
      readonly deadLetter: boolean;
      readonly name: 'ApproximateNumberOfMessagesVisible' | 'ApproximateAgeOfOldestMessage';
      readonly statistic: 'Maximum';
    }
  /** An SQS metric of a failure queue (an event source mapping's on-failure destination). */
  | {
      readonly kind: 'failureQueue';
      readonly queue: FailureQueueName;
      readonly name: 'ApproximateNumberOfMessagesVisible';
      readonly statistic: 'Maximum';
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

const HOUR_MS = 3_600_000;

/** The history function's stream: records older than 24 hours leave it, unread ones with them. */
const historyAlarms = {
  HistoryIteratorAgeHigh: {
    description:
      'The history function is over an hour behind the items stream; records older than 24 hours leave the stream unread.',
    metric: { kind: 'function', function: 'history', name: 'IteratorAge', statistic: 'Maximum' },
    comparison: 'GreaterThanThreshold',
    threshold: HOUR_MS,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'history-iterator-age',
  },
  HistoryFailedBatches: {
    description:
      'Batches of the items stream the history function could not write after its retries: those snapshots are missing from the Parquet history.',
    metric: {
      kind: 'failureQueue',
      queue: 'historyFailures',
      name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
    },
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'history-failures',
  },
} as const satisfies Record<string, AlarmDeclaration>;

/**
 * The daily compaction: its heartbeat (emitted by each run that completes) missing for 26 hours,
 * a day and the 2 hours a late or retried run may take. Its Errors alarm is the function's
 * (functions.ts, `errorsAlarm`: one failed run alarms).
 */
const compactionAlarms = {
  HistoryCompactorHeartbeatMissing: {
    description:
      'The history compactor has not completed a run for 26 hours: finished days are not being compacted (the schedule is disabled or every run fails).',
    metric: custom('HistoryCompactorHeartbeat', 'Sum'),
    comparison: 'LessThanThreshold',
    threshold: 1,
    periodSeconds: 3600,
    evaluationPeriods: 26,
    datapointsToAlarm: 26,
    treatMissingData: 'breaching',
    severity: 'warning',
    runbook: 'history-compaction',
  },
} as const satisfies Record<string, AlarmDeclaration>;

/** Rule webhooks: failed attempts (the sender's metric) and deliveries given up on (the DLQ). */
const webhookAlarms = {
  WebhookFailures: {
    description:
      'Webhook deliveries failed (5xx, timeout, refused, 4xx) in two of the last three 5-minute periods: a receiver is down or refuses Shelfwatch.',
    metric: custom('WebhookDeliveryFailures', 'Sum'),
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'webhook-failures',
  },
  WebhookDeadLetters: {
    description: `Webhook deliveries in the webhooks DLQ: refused for good, or failed ${WEBHOOK_QUEUE.maxReceiveCount} times. Those firings have not reached their receiver.`,
    metric: {
      kind: 'webhookQueue',
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
    severity: 'warning',
    runbook: 'webhook-dead-letters',
  },
} as const satisfies Record<string, AlarmDeclaration>;

/** The notifier's stream: alerts are only worth something while fresh, so 15 minutes behind alarms. */
const notifierAlarms = {
  NotifierIteratorAgeHigh: {
    description:
      'The notifier is over 15 minutes behind the changes stream: change events and alerts are late; records older than 24 hours leave the stream unread.',
    metric: { kind: 'function', function: 'notifier', name: 'IteratorAge', statistic: 'Maximum' },
    comparison: 'GreaterThanThreshold',
    threshold: 15 * 60_000,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'notifier-iterator-age',
  },
  NotifierFailedBatches: {
    description:
      'Batches of the changes stream the notifier could not deliver after its retries: their change events or alerts were not sent.',
    metric: {
      kind: 'failureQueue',
      queue: 'notifierFailures',
      name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
    },
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    severity: 'warning',
    runbook: 'notifier-failures',
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
    alarms[`${capitalise(priority)}HttpQueueOldestMessageAge`] = {
      description: `The oldest ${priority}-priority message on the HTTP queue has waited over an hour: the HTTP scrapers are behind or stopped.`,
      metric: {
        kind: 'queue',
        priority,
        deadLetter: false,
        mode: 'http',
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
      ...fn.errorsAlarm,
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
  ...historyAlarms,
  ...compactionAlarms,
  ...notifierAlarms,
  ...webhookAlarms,
  ...queueAlarms(),
  ...functionAlarms(),
};
