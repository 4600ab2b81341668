/** Physical names: one rule, used by CDK and the local runtime alike. */
import type { Priority } from '../definitions/priority.ts';
import type { FailureQueueName } from './queues.ts';
import type { TableName } from './tables.ts';
import type { Severity } from './topics.ts';
import type { RunQueueMode } from './queues.ts';

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
/** `runs-<priority>` (the browser queue, the name it always had) or `runs-<priority>-http`. */
export const queueName = (stage: string, priority: Priority, mode: RunQueueMode = 'browser'): string =>
  resourceName(stage, mode === 'browser' ? `runs-${priority}` : `runs-${priority}-${mode}`);
/** One DLQ per priority: both of its queues dead-letter into it. */
export const deadLetterQueueName = (stage: string, priority: Priority): string =>
  resourceName(stage, `runs-${priority}-dlq`);
/** `historyFailures` → `shelfwatch-<stage>-history-failures`. */
export const failureQueueName = (stage: string, queue: FailureQueueName): string =>
  resourceName(
    stage,
    queue.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
  );
/** The queue of webhook deliveries and its DLQ. */
export const webhookQueueName = (stage: string): string => resourceName(stage, 'webhooks');
export const webhookDeadLetterQueueName = (stage: string): string => resourceName(stage, 'webhooks-dlq');
/** The Secrets Manager secret of one webhook (its URL, format and signing secret, as JSON). */
export const webhookSecretName = (stage: string, webhookId: string): string =>
  `shelfwatch/${stage}/webhooks/${webhookId}`;
export const topicName = (stage: string, severity: Severity): string =>
  resourceName(stage, `alarms-${severity}`);
/** The topic of fired watch rules: `shelfwatch-<stage>-alerts`. */
export const alertTopicName = (stage: string): string => resourceName(stage, 'alerts');
export const alarmName = (stage: string, alarm: string): string => resourceName(stage, alarm);
/** Glue database names allow lowercase letters, digits and underscores only. */
export const glueDatabaseName = (stage: string): string => `shelfwatch_${stage.replaceAll('-', '_')}`;
/** The Athena workgroup the history's queries run in (CLI `query --stage`, `GET /exports`). */
export const athenaWorkgroupName = (stage: string): string => resourceName(stage, 'history');
