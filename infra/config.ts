/**
 * Deployment configuration: everything a platform engineer may change per stage, read from CDK
 * context (`cdk deploy -c stage=prod -c alarmEmail=oncall@example.com`, or `cdk.json`) and
 * validated once. A bad value stops synthesis with the context key named.
 */
import { z } from 'zod';
import { PRIORITIES, type Priority } from '../shared/definitions/index.ts';
import { type ScheduleName, SCHEDULES, STAGE_PATTERN } from '../shared/catalogue/index.ts';
import { ShelfwatchError } from '../shared/errors/index.ts';
import { changeRetentionDaysSetting } from '../shared/changes/settings.ts';
import { catchUpHoursSetting } from '../shared/expansion/settings.ts';
import { itemRetentionDaysSetting } from '../shared/results/settings.ts';
import { runRetentionDaysSetting } from '../shared/runs/settings.ts';
import { WEBHOOK_ID_PATTERN } from '../shared/rules/index.ts';

/** 10 GB: a query costs at most about $0.05 unless the stage raises it. */
const ATHENA_BYTES_SCANNED_CUTOFF_MB_DEFAULT = 10_240;

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A setting owned by a concept: its description and default, as the concept's zod field states them. */
const documented = (field: z.ZodType): string =>
  `${field.description} Default: ${String(field.parse(undefined))}.`;

/**
 * Context keys, their defaults and their meaning: the README's table documents each (checked by
 * test/infra/config.test.ts, defaults included).
 */
const REMOVAL_POLICIES = ['retain', 'destroy'] as const;

export const CONTEXT_KEYS = {
  stage: 'Stage name; part of every resource name (shelfwatch-<stage>-...). Default: dev.',
  expanderSchedule: `EventBridge Scheduler expression of the expander. Default: ${SCHEDULES.expander.expression}.`,
  monitorSchedule: `EventBridge Scheduler expression of the monitor. Default: ${SCHEDULES.monitor.expression}.`,
  historyCompactorSchedule: `EventBridge Scheduler expression of the history compactor (UTC; run it at least 2 h after midnight, the compaction's grace). Default: ${SCHEDULES.historyCompactor.expression}.`,
  maxConcurrencyHigh: 'Maximum concurrent scrapers on the high queue (2..1000). Default from the catalogue.',
  maxConcurrencyNormal:
    'Maximum concurrent scrapers on the normal queue (2..1000). Default from the catalogue.',
  maxConcurrencyLow: 'Maximum concurrent scrapers on the low queue (2..1000). Default from the catalogue.',
  expanderCatchUpHours: documented(catchUpHoursSetting),
  alarmEmail: 'E-mail address subscribed to both alarm topics (confirm the subscription mail). Optional.',
  alertEmail:
    'E-mail address subscribed to the alerts topic (fired watch rules with delivery.sns; confirm the subscription mail). Optional.',
  alarmWebhookSecretName:
    'Name of a Secrets Manager secret holding a chat webhook (Slack, DingTalk, Feishu) that receives every alarm. Optional.',
  proxySecretName:
    'Name of a Secrets Manager secret holding the scrapers\' outbound proxy as JSON {"url", "username", "password"}. Optional: direct connections.',
  scraperUserAgents:
    "JSON array of user-agent strings the scrapers rotate through (one per run). Optional: Chromium's own.",
  logRetentionDays: 'Days Lambda logs are kept. Default: 30.',
  runRetentionDays: documented(runRetentionDaysSetting),
  itemRetentionDays: documented(itemRetentionDaysSetting),
  historyExpireAfterDays:
    'Days a Parquet history file is kept before S3 deletes it (lifecycle rule). Optional: kept for good (Intelligent-Tiering after 30 days).',
  athenaBytesScannedCutoffMb: `Megabytes one Athena query of the history may scan before Athena cancels it (10 or more; $5 per TB scanned). Default: ${ATHENA_BYTES_SCANNED_CUTOFF_MB_DEFAULT}.`,
  changeRetentionDays: documented(changeRetentionDaysSetting),
  webhooks:
    'Comma-separated ids of the rule webhooks (1-64 letters, digits, ".", "_", "-"), each configured in the secret shelfwatch/<stage>/webhooks/<id>; the webhook sender may read those secrets only. Optional: none.',
  removalPolicy:
    "'retain' keeps tables and queues when the stack is deleted; 'destroy' removes them. Default: retain.",
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653,
] as const;

const scheduleExpression = z
  .string()
  .regex(
    /^(cron|rate)\(.+\)$/,
    'must be an EventBridge Scheduler expression such as rate(5 minutes) or cron(0 * * * ? *)',
  );

const configSchema = z.object({
  stage: z
    .string()
    .regex(STAGE_PATTERN, "use 1-16 lowercase letters, digits or '-', starting with a letter")
    .default('dev'),
  expanderSchedule: scheduleExpression.default(SCHEDULES.expander.expression),
  monitorSchedule: scheduleExpression.default(SCHEDULES.monitor.expression),
  historyCompactorSchedule: scheduleExpression.default(SCHEDULES.historyCompactor.expression),
  expanderCatchUpHours: catchUpHoursSetting,
  maxConcurrencyHigh: positiveInt(1000).min(2).optional(),
  maxConcurrencyNormal: positiveInt(1000).min(2).optional(),
  maxConcurrencyLow: positiveInt(1000).min(2).optional(),
  alarmEmail: optionalString.pipe(z.email('must be an e-mail address').optional()),
  alertEmail: optionalString.pipe(z.email('must be an e-mail address').optional()),
  alarmWebhookSecretName: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')
      .optional(),
  ),
  proxySecretName: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')
      .optional(),
  ),
  scraperUserAgents: optionalString.pipe(
    z.string().refine(isUserAgentList, 'must be a JSON array of 1-1000 non-empty strings').optional(),
  ),
  logRetentionDays: z.coerce
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(30),
  runRetentionDays: runRetentionDaysSetting,
  itemRetentionDays: itemRetentionDaysSetting,
  historyExpireAfterDays: positiveInt(36_500).optional(),
  // Athena refuses a cutoff under 10 MB.
  athenaBytesScannedCutoffMb: z.coerce
    .number()
    .int()
    .min(10)
    .max(1_000_000_000)
    .default(ATHENA_BYTES_SCANNED_CUTOFF_MB_DEFAULT),
  changeRetentionDays: changeRetentionDaysSetting,
  webhooks: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (typeof value === 'string' ? value.split(',') : value).map((id) => id.trim()).filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().regex(WEBHOOK_ID_PATTERN, 'must be webhook ids: 1-64 letters, digits, ".", "_" or "-"'),
        )
        .max(100, 'at most 100 webhooks')
        .refine((ids) => new Set(ids).size === ids.length, 'must not name a webhook twice'),
    )
    .optional(),
  removalPolicy: z.enum(REMOVAL_POLICIES).default('retain'),
});

type ParsedConfig = z.infer<typeof configSchema>;

/** What `cdk destroy` does to stateful resources (tables, queues, buckets, logs). */
export type RemovalPolicyName = (typeof REMOVAL_POLICIES)[number];

export interface ShelfwatchConfig extends Omit<ParsedConfig, `maxConcurrency${string}`> {
  readonly maxConcurrency: Record<Priority, number>;
  readonly schedules: Record<ScheduleName, string>;
}

/** The deployment's context values do not fit: whoever runs `cdk synth` fixes them. */
export class ConfigurationError extends ShelfwatchError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(
      'invalid',
      'INVALID_CONFIGURATION',
      `Invalid Shelfwatch configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

/**
 * Builds the configuration from a context lookup (`(key) => node.tryGetContext(key)`).
 * Unknown keys are ignored by design: CDK puts its own feature flags in the same context.
 */
export function readConfig(
  lookup: (key: ContextKey) => unknown,
  defaults: Record<Priority, number>,
): ShelfwatchConfig {
  const raw = Object.fromEntries(
    (Object.keys(CONTEXT_KEYS) as ContextKey[]).flatMap((key) => {
      const value = lookup(key);
      return value === undefined || value === null ? [] : [[key, value]];
    }),
  );
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => `context "${issue.path.join('.')}": ${issue.message}`),
    );
  }
  const { maxConcurrencyHigh, maxConcurrencyNormal, maxConcurrencyLow, ...rest } = parsed.data;
  const overrides: Record<Priority, number | undefined> = {
    high: maxConcurrencyHigh,
    normal: maxConcurrencyNormal,
    low: maxConcurrencyLow,
  };
  return {
    ...rest,
    maxConcurrency: Object.fromEntries(
      PRIORITIES.map((priority) => [priority, overrides[priority] ?? defaults[priority]]),
    ) as Record<Priority, number>,
    schedules: {
      expander: rest.expanderSchedule,
      monitor: rest.monitorSchedule,
      historyCompactor: rest.historyCompactorSchedule,
    },
  };
}

function isUserAgentList(text: string): boolean {
  try {
    const list: unknown = JSON.parse(text);
    return (
      Array.isArray(list) &&
      list.length > 0 &&
      list.length <= 1000 &&
      list.every((agent) => typeof agent === 'string' && agent.length > 0 && agent.length <= 512)
    );
  } catch {
    return false;
  }
}
