/**
 * How a function finds its resources: environment variables whose names derive from the
 * catalogue. CDK sets them on each Lambda (only for what that function may touch); the local
 * runtime sets the same ones. Code reads them through `resourceEnvironment`, never by hand.
 */
import type { z } from 'zod';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import {
  BUCKETS,
  type BucketName,
  SEVERITIES,
  type Severity,
  TABLES,
  type TableName,
} from '../catalogue/index.ts';
import { PRIORITIES, type Priority } from '../definitions/index.ts';
import { CHANGE_RETENTION_DAYS_VARIABLE, changeRetentionDaysSetting } from '../changes/settings.ts';
import { ITEM_RETENTION_DAYS_VARIABLE, itemRetentionDaysSetting } from '../results/settings.ts';
import { RUN_RETENTION_DAYS_VARIABLE, runRetentionDaysSetting } from '../runs/settings.ts';

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export const STAGE_VARIABLE = 'SHELFWATCH_STAGE';
export const ALARM_WEBHOOK_SECRET_VARIABLE = 'SHELFWATCH_ALARM_WEBHOOK_SECRET_NAME';
/** The run events bus, named to the functions that publish run summaries. */
export const EVENT_BUS_VARIABLE = 'SHELFWATCH_EVENT_BUS_NAME';
/** The Athena workgroup and Glue database of the history, named to functions that query it. */
export const ATHENA_WORKGROUP_VARIABLE = 'SHELFWATCH_ATHENA_WORKGROUP';
export const GLUE_DATABASE_VARIABLE = 'SHELFWATCH_GLUE_DATABASE';
/** The alerts topic (fired watch rules), named to the functions that publish alerts. */
export const ALERT_TOPIC_VARIABLE = 'SHELFWATCH_ALERT_TOPIC_ARN';
/** The webhooks queue (to functions that enqueue deliveries and to the sender) and its DLQ (the sender). */
export const WEBHOOK_QUEUE_URL_VARIABLE = 'SHELFWATCH_WEBHOOK_QUEUE_URL';
export const WEBHOOK_DLQ_URL_VARIABLE = 'SHELFWATCH_WEBHOOK_DLQ_URL';
export const tableVariable = (table: TableName): string => `SHELFWATCH_TABLE_${snake(table)}`;
export const queueUrlVariable = (priority: Priority): string => `SHELFWATCH_QUEUE_${snake(priority)}_URL`;
/** The HTTP queue of a priority (`runs-<priority>-http`), read by the HTTP-only scraper's routing. */
export const httpQueueUrlVariable = (priority: Priority): string =>
  `SHELFWATCH_QUEUE_${snake(priority)}_HTTP_URL`;
export const deadLetterQueueUrlVariable = (priority: Priority): string =>
  `SHELFWATCH_DLQ_${snake(priority)}_URL`;
export const topicArnVariable = (severity: Severity): string => `SHELFWATCH_TOPIC_${snake(severity)}_ARN`;
export const bucketVariable = (bucket: BucketName): string => `SHELFWATCH_BUCKET_${snake(bucket)}`;

export interface ResourceEnvironment {
  readonly stage: string;
  readonly tables: Partial<Record<TableName, string>>;
  readonly queueUrls: Partial<Record<Priority, string>>;
  readonly httpQueueUrls: Partial<Record<Priority, string>>;
  readonly deadLetterQueueUrls: Partial<Record<Priority, string>>;
  readonly topicArns: Partial<Record<Severity, string>>;
  readonly buckets: Partial<Record<BucketName, string>>;
  /** Days a terminal run is kept (its TTL). */
  readonly runRetentionDays: number;
  /** Days an item snapshot is kept (its TTL). */
  readonly itemRetentionDays: number;
  /** Days a change, and the state of an item no longer seen, is kept (their TTL). */
  readonly changeRetentionDays: number;
  /** The run events bus, when this function publishes run summaries. */
  readonly eventBusName?: string;
  /** The alerts topic, when this function publishes fired rules. */
  readonly alertTopicArn?: string;
  /** The webhooks queue, when this function enqueues or delivers webhook deliveries. */
  readonly webhookQueueUrl?: string;
  /** The webhooks DLQ, when this function delivers webhooks. */
  readonly webhookDeadLetterQueueUrl?: string;
}

/**
 * One setting from its variable, through the zod field of the concept that owns it (which holds
 * the default); empty counts as unset. A bad value stops the function at start, naming the variable.
 */
export function settingFromEnvironment<T>(
  env: NodeJS.ProcessEnv,
  variable: string,
  field: z.ZodType<T, unknown>,
): T {
  const raw = env[variable];
  const parsed = field.safeParse(raw === '' ? undefined : raw);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    'environment',
    parsed.error.issues.map((issue) => ({ field: variable, message: `${issue.message} (got "${raw}")` })),
  );
}

/** A function was deployed without a resource it needs: the deployment, not the caller, is at fault. */
export class MissingResourceError extends ShelfwatchError {
  readonly variable: string;
  constructor(variable: string, what: string) {
    super(
      'internal',
      'MISSING_RESOURCE',
      `${what} is not configured: environment variable ${variable} is unset. ` +
        'Grant the function access to it in shared/catalogue/functions.ts, or start it through the local runtime.',
    );
    this.variable = variable;
  }
}

/** Reads whatever resources the environment names; absent ones stay undefined until required. */
export function resourceEnvironment(env: NodeJS.ProcessEnv = process.env): ResourceEnvironment {
  const pick = <K extends string>(keys: readonly K[], variable: (key: K) => string) =>
    Object.fromEntries(
      keys.flatMap((key) => {
        const value = env[variable(key)];
        return value ? [[key, value]] : [];
      }),
    ) as Partial<Record<K, string>>;
  return {
    stage: env[STAGE_VARIABLE] ?? 'dev',
    tables: pick(Object.keys(TABLES) as TableName[], tableVariable),
    queueUrls: pick(PRIORITIES, queueUrlVariable),
    httpQueueUrls: pick(PRIORITIES, httpQueueUrlVariable),
    deadLetterQueueUrls: pick(PRIORITIES, deadLetterQueueUrlVariable),
    topicArns: pick(SEVERITIES, topicArnVariable),
    buckets: pick(Object.keys(BUCKETS) as BucketName[], bucketVariable),
    runRetentionDays: settingFromEnvironment(env, RUN_RETENTION_DAYS_VARIABLE, runRetentionDaysSetting),
    itemRetentionDays: settingFromEnvironment(env, ITEM_RETENTION_DAYS_VARIABLE, itemRetentionDaysSetting),
    changeRetentionDays: settingFromEnvironment(
      env,
      CHANGE_RETENTION_DAYS_VARIABLE,
      changeRetentionDaysSetting,
    ),
    ...(env[EVENT_BUS_VARIABLE] ? { eventBusName: env[EVENT_BUS_VARIABLE] } : {}),
    ...(env[ALERT_TOPIC_VARIABLE] ? { alertTopicArn: env[ALERT_TOPIC_VARIABLE] } : {}),
    ...(env[WEBHOOK_QUEUE_URL_VARIABLE] ? { webhookQueueUrl: env[WEBHOOK_QUEUE_URL_VARIABLE] } : {}),
    ...(env[WEBHOOK_DLQ_URL_VARIABLE] ? { webhookDeadLetterQueueUrl: env[WEBHOOK_DLQ_URL_VARIABLE] } : {}),
  };
}

export function requireTable(resources: ResourceEnvironment, table: TableName): string {
  const name = resources.tables[table];
  if (!name) throw new MissingResourceError(tableVariable(table), `table "${table}"`);
  return name;
}

export function requireQueueUrl(resources: ResourceEnvironment, priority: Priority): string {
  const url = resources.queueUrls[priority];
  if (!url) throw new MissingResourceError(queueUrlVariable(priority), `queue "${priority}"`);
  return url;
}

export function requireHttpQueueUrl(resources: ResourceEnvironment, priority: Priority): string {
  const url = resources.httpQueueUrls[priority];
  if (!url) throw new MissingResourceError(httpQueueUrlVariable(priority), `HTTP queue "${priority}"`);
  return url;
}

export function requireDeadLetterQueueUrl(resources: ResourceEnvironment, priority: Priority): string {
  const url = resources.deadLetterQueueUrls[priority];
  if (!url) throw new MissingResourceError(deadLetterQueueUrlVariable(priority), `DLQ "${priority}"`);
  return url;
}

export function requireBucket(resources: ResourceEnvironment, bucket: BucketName): string {
  const name = resources.buckets[bucket];
  if (!name) throw new MissingResourceError(bucketVariable(bucket), `bucket "${bucket}"`);
  return name;
}

export function requireTopicArn(resources: ResourceEnvironment, severity: Severity): string {
  const arn = resources.topicArns[severity];
  if (!arn) throw new MissingResourceError(topicArnVariable(severity), `topic "${severity}"`);
  return arn;
}

export function requireEventBus(resources: ResourceEnvironment): string {
  if (!resources.eventBusName) throw new MissingResourceError(EVENT_BUS_VARIABLE, 'the run events bus');
  return resources.eventBusName;
}

export function requireAlertTopicArn(resources: ResourceEnvironment): string {
  if (!resources.alertTopicArn) throw new MissingResourceError(ALERT_TOPIC_VARIABLE, 'the alerts topic');
  return resources.alertTopicArn;
}

export function requireWebhookQueueUrl(resources: ResourceEnvironment): string {
  if (!resources.webhookQueueUrl)
    throw new MissingResourceError(WEBHOOK_QUEUE_URL_VARIABLE, 'the webhooks queue');
  return resources.webhookQueueUrl;
}

export function requireWebhookDeadLetterQueueUrl(resources: ResourceEnvironment): string {
  if (!resources.webhookDeadLetterQueueUrl) {
    throw new MissingResourceError(WEBHOOK_DLQ_URL_VARIABLE, 'the webhooks DLQ');
  }
  return resources.webhookDeadLetterQueueUrl;
}
