/**
 * The run queues: per priority, one queue for the Chromium scraper (`browser`), one for the
 * HTTP-only scraper (`http`), and one DLQ both dead-letter into. A run's message goes to the
 * queue of its priority and its fetch mode (shared/queues/run-routing.ts); the browser queue's
 * function can run any mode, so a redriven dead letter goes there.
 */
// The file, not the folder's index: the catalogue stays plain data, loaded without the AWS SDK.
import { MAX_ATTEMPTS_LIMIT, type Priority } from '../definitions/priority.ts';
import { SCRAPER_TIMEOUT_SECONDS, WEBHOOK_SENDER_TIMEOUT_SECONDS } from './functions.ts';

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
  /**
   * Maximum concurrency of the HTTP queue's event source mapping. Higher than the browser's: an
   * HTTP run costs a fraction of a browser run, and the per-domain budget, not the fleet, bounds
   * what a site sees.
   */
  readonly httpMaxConcurrency: number;
}

export { RUN_QUEUE_MODES, type RunQueueMode } from '../definitions/fetch-mode.ts';

const DAY_SECONDS = 86_400;

const MAX_RECEIVE_COUNT = MAX_ATTEMPTS_LIMIT + 5;

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
    httpMaxConcurrency: 20,
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
    httpMaxConcurrency: 10,
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
    httpMaxConcurrency: 4,
  },
} as const satisfies Record<Priority, QueueDeclaration>;

/**
 * Queues that receive the description of a stream batch a function could not process after its
 * retries (an event source mapping's on-failure destination). Nothing consumes them: each message
 * is for on-call (an alarm watches the depth; runbooks history-failures, notifier-failures).
 */
export interface FailureQueueDeclaration {
  readonly purpose: string;
  readonly retentionSeconds: number;
}

export const FAILURE_QUEUES = {
  historyFailures: {
    purpose:
      'Batches of the items stream the history function failed to write after its retries: shard and sequence numbers to replay.',
    retentionSeconds: 14 * DAY_SECONDS,
  },
  notifierFailures: {
    purpose:
      'Batches of the changes stream the notifier failed to deliver after its retries (events, firings): shard and sequence numbers to replay.',
    retentionSeconds: 14 * DAY_SECONDS,
  },
} as const satisfies Record<string, FailureQueueDeclaration>;

export type FailureQueueName = keyof typeof FAILURE_QUEUES;

/**
 * The queue of webhook deliveries: one message per (rule firing, webhook), consumed by the
 * webhookSender function. One queue (deliveries have no priority) and its DLQ. A delivery that
 * fails for a reason that may pass (5xx, 408, 429, timeout, connection) is retried by the sender
 * with a growing visibility timeout; after `maxReceiveCount` receives SQS moves it to the DLQ. A
 * delivery that can never succeed (4xx, malformed message, unknown webhook) is moved to the DLQ
 * by the sender at once (docs/webhooks.md).
 */
export interface WebhookQueueDeclaration {
  readonly purpose: string;
  /** Six times the sender's timeout (AWS guidance for Lambda event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Delivery attempts before SQS moves the message to the DLQ. */
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
  readonly dlqRetentionSeconds: number;
  /** Messages per sender invocation (delivered one after another). */
  readonly batchSize: number;
  /** Maximum concurrency of the queue's event source mapping: bounds what receivers see. */
  readonly maxConcurrency: number;
}

export const WEBHOOK_QUEUE = {
  purpose: 'Webhook deliveries of fired watch rules: one message per (firing, webhook).',
  visibilityTimeoutSeconds: 6 * WEBHOOK_SENDER_TIMEOUT_SECONDS,
  // With the sender's backoff (30 s doubling, capped at 15 min) eight attempts span about 45 minutes.
  maxReceiveCount: 8,
  retentionSeconds: 4 * DAY_SECONDS,
  dlqRetentionSeconds: 14 * DAY_SECONDS,
  batchSize: 10,
  maxConcurrency: 5,
} as const satisfies WebhookQueueDeclaration;
