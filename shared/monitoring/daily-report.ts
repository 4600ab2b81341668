/**
 * The daily report: yesterday's runs by crawl type and platform, the worst definitions, blocked
 * attempts and dead letters; written to S3 as JSON and summarized on the warning topic. Written
 * once per day: a marker in the control table is claimed first (and reclaimed only if a writer
 * died holding it), so two monitors do not both publish.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Run, RunStore } from '../runs/index.ts';

export interface Tally {
  succeeded: number;
  failed: number;
  deadLettered: number;
  cancelled: number;
  itemsSaved: number;
  blockedAttempts: number;
}

export interface DailyReport {
  readonly date: string;
  readonly stage: string;
  readonly generatedAt: string;
  readonly totals: Tally;
  readonly byCrawlType: Record<string, Tally>;
  readonly byPlatform: Record<string, Tally>;
  /** Definitions with the most unsuccessful runs that day (at most ten). */
  readonly worstDefinitions: { definitionId: string; unsuccessful: number; succeeded: number }[];
}

const emptyTally = (): Tally => ({
  succeeded: 0,
  failed: 0,
  deadLettered: 0,
  cancelled: 0,
  itemsSaved: 0,
  blockedAttempts: 0,
});

function add(tally: Tally, run: Run): void {
  if (run.status === 'SUCCEEDED') tally.succeeded += 1;
  if (run.status === 'FAILED') tally.failed += 1;
  if (run.status === 'DEAD_LETTERED') tally.deadLettered += 1;
  if (run.status === 'CANCELLED') tally.cancelled += 1;
  tally.itemsSaved += run.counts.saved;
  tally.blockedAttempts += run.blockedAttempts;
}

/** Builds the report from the runs that finished that day (pure). */
export function buildDailyReport(
  date: string,
  stage: string,
  runs: readonly Run[],
  nowMs: number,
): DailyReport {
  const totals = emptyTally();
  const byCrawlType: Record<string, Tally> = {};
  const byPlatform: Record<string, Tally> = {};
  const perDefinition = new Map<string, { unsuccessful: number; succeeded: number }>();
  for (const run of runs) {
    add(totals, run);
    add((byCrawlType[run.crawlType] ??= emptyTally()), run);
    add((byPlatform[run.platform] ??= emptyTally()), run);
    const entry = perDefinition.get(run.definitionId) ?? { unsuccessful: 0, succeeded: 0 };
    if (run.status === 'SUCCEEDED') entry.succeeded += 1;
    else if (run.status !== 'CANCELLED') entry.unsuccessful += 1;
    perDefinition.set(run.definitionId, entry);
  }
  const worstDefinitions = [...perDefinition]
    .filter(([, entry]) => entry.unsuccessful > 0)
    .sort(([a, x], [b, y]) => y.unsuccessful - x.unsuccessful || a.localeCompare(b))
    .slice(0, 10)
    .map(([definitionId, entry]) => ({ definitionId, ...entry }));
  return {
    date,
    stage,
    generatedAt: new Date(nowMs).toISOString(),
    totals,
    byCrawlType,
    byPlatform,
    worstDefinitions,
  };
}

export function summaryText(report: DailyReport): string {
  const { totals } = report;
  const finished = totals.succeeded + totals.failed + totals.deadLettered;
  const rate = finished === 0 ? 'n/a' : `${((100 * totals.succeeded) / finished).toFixed(1)}%`;
  return [
    `Shelfwatch ${report.stage} — daily report for ${report.date} (UTC)`,
    `Runs: ${totals.succeeded} succeeded, ${totals.failed} failed, ${totals.deadLettered} dead-lettered, ${totals.cancelled} cancelled (success rate ${rate})`,
    `Items saved: ${totals.itemsSaved}; blocked attempts: ${totals.blockedAttempts}`,
    ...Object.entries(report.byCrawlType).map(
      ([crawlType, t]) =>
        `  ${crawlType}: ${t.succeeded} ok, ${t.failed + t.deadLettered} not ok, ${t.itemsSaved} items`,
    ),
    report.worstDefinitions.length > 0
      ? `Worst definitions: ${report.worstDefinitions.map((d) => `${d.definitionId} (${d.unsuccessful})`).join(', ')}`
      : 'No definition had an unsuccessful run.',
  ].join('\n');
}

export interface DailyReporterOptions {
  readonly stage: string;
  readonly runs: RunStore;
  readonly documents: DynamoDBDocumentClient;
  readonly controlTable: string;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly sns: SNSClient;
  readonly topicArn: string;
}

const DAY_MS = 86_400_000;
const CLAIM_MS = 15 * 60_000;
const TERMINAL = ['SUCCEEDED', 'FAILED', 'DEAD_LETTERED', 'CANCELLED'] as const;

export class DailyReporter {
  private readonly options: DailyReporterOptions;

  constructor(options: DailyReporterOptions) {
    this.options = options;
  }

  /** Writes yesterday's report unless it was written already; returns it when written now. */
  async writeIfDue(nowMs: number): Promise<DailyReport | undefined> {
    const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS - DAY_MS;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    if (!(await this.claim(date, nowMs))) return undefined;
    const runs: Run[] = [];
    const window = {
      from: new Date(dayStart).toISOString(),
      to: new Date(dayStart + DAY_MS - 1).toISOString(),
    };
    for (const status of TERMINAL) {
      for await (const page of this.options.runs.allByStatus(status, window)) runs.push(...page);
    }
    const report = buildDailyReport(date, this.options.stage, runs, nowMs);
    await this.options.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: `reports/${date}.json`,
        Body: JSON.stringify(report, null, 2),
        ContentType: 'application/json',
      }),
    );
    await this.options.sns.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: `Shelfwatch ${this.options.stage} daily report ${date}`,
        Message: summaryText(report),
      }),
    );
    await this.options.documents.send(
      new UpdateCommand({
        TableName: this.options.controlTable,
        Key: { pk: 'daily-report', sk: date },
        UpdateExpression: 'SET #state = :written, writtenAt = :now',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':written': 'written', ':now': new Date(nowMs).toISOString() },
      }),
    );
    return report;
  }

  /** Claims the day's report: absent, or claimed by a writer that died more than 15 minutes ago. */
  private async claim(date: string, nowMs: number): Promise<boolean> {
    try {
      await this.options.documents.send(
        new PutCommand({
          TableName: this.options.controlTable,
          Item: {
            pk: 'daily-report',
            sk: date,
            state: 'writing',
            claimedAt: nowMs,
            expiresAt: Math.floor(nowMs / 1000) + 30 * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :writing AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':writing': 'writing', ':stale': nowMs - CLAIM_MS },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
