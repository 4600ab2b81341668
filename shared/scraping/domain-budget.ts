/**
 * A per-domain request budget shared by every consumer (Lambda scrapers and browser workers):
 * a token bucket per domain in the control table. Taking a token is one conditional write on
 * the bucket as it was read, so concurrent consumers cannot spend the same token; a lost race
 * is retried with the fresh state. Over budget means "later" (with the wait), never "failed".
 *
 *   tokens(now) = min(burst, tokens(then) + (now − then) · ratePerSecond / 1000)
 *
 * No record means a full bucket. The record expires (TTL) a day after the moment it would be
 * full again, so whenever DynamoDB deletes it — at expiry or days later — it holds nothing a full
 * bucket would not: the deletion can never grant a token the bucket did not have. A record that
 * vanishes between our read and our write fails the write's condition and is read again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCRAPER_DEFAULTS } from './scraper-config.ts';

export interface BudgetPolicy {
  /** Sustained requests per second to one domain. */
  readonly ratePerSecond: number;
  /** Requests allowed at once after a quiet period. */
  readonly burst: number;
}

/** The scraper settings' default budget, for a domain with no policy of its own. */
export const DEFAULT_BUDGET: BudgetPolicy = {
  ratePerSecond: SCRAPER_DEFAULTS.domainRatePerSecond,
  burst: SCRAPER_DEFAULTS.domainBurst,
};

export type BudgetDecision =
  | {
      readonly granted: true;
      /** Requests granted (1 unless more were asked for and available). */
      readonly count?: number;
    }
  | { readonly granted: false; readonly retryAfterMs: number };

export interface DomainBudgetOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly controlTable: string;
  /** Policy per domain (exact host); others get `fallback`. */
  readonly policies?: Readonly<Record<string, BudgetPolicy>>;
  readonly fallback?: BudgetPolicy;
  /** Attempts when other consumers keep winning the race. Default: 8. */
  readonly maxRaces?: number;
}

interface Bucket {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

const CLEANUP_AFTER_FULL_SECONDS = 86_400;

/** When a bucket holding `tokens` at `atMs` may be deleted: a day after it would be full again. */
export function bucketExpiry(policy: BudgetPolicy, tokens: number, atMs: number): number {
  const refillMs = (Math.max(0, policy.burst - tokens) * 1000) / policy.ratePerSecond;
  return Math.ceil((atMs + refillMs) / 1000) + CLEANUP_AFTER_FULL_SECONDS;
}

export class DomainBudget {
  private readonly options: DomainBudgetOptions;

  constructor(options: DomainBudgetOptions) {
    this.options = options;
  }

  policyFor(domain: string): BudgetPolicy {
    return this.options.policies?.[domain] ?? this.options.fallback ?? DEFAULT_BUDGET;
  }

  /**
   * Takes one request's worth of budget for `domain` — or up to `upTo` at once, as many as are
   * available (a run that will read several pages saves round trips) — or says how long to wait.
   */
  async take(domain: string, nowMs: number, upTo = 1): Promise<BudgetDecision> {
    const policy = this.policyFor(domain);
    const key = { pk: 'domain-budget', sk: domain.toLowerCase() };
    for (let race = 0; race < (this.options.maxRaces ?? 8); race += 1) {
      const { Item } = await this.options.documents.send(
        new GetCommand({ TableName: this.options.controlTable, Key: key, ConsistentRead: true }),
      );
      const stored = Item as Bucket | undefined;
      const elapsedMs = stored ? Math.max(0, nowMs - stored.updatedAtMs) : 0;
      const available = stored
        ? Math.min(policy.burst, stored.tokens + (elapsedMs * policy.ratePerSecond) / 1000)
        : policy.burst;
      if (available < 1) {
        return { granted: false, retryAfterMs: Math.ceil(((1 - available) * 1000) / policy.ratePerSecond) };
      }
      const count = Math.max(1, Math.min(Math.floor(upTo), Math.floor(available)));
      try {
        await this.options.documents.send(
          new PutCommand({
            TableName: this.options.controlTable,
            Item: {
              ...key,
              tokens: available - count,
              updatedAtMs: Math.max(nowMs, stored?.updatedAtMs ?? 0),
              expiresAt: bucketExpiry(policy, available - count, Math.max(nowMs, stored?.updatedAtMs ?? 0)),
            },
            ConditionExpression: stored
              ? 'updatedAtMs = :then AND tokens = :tokens'
              : 'attribute_not_exists(pk)',
            ...(stored
              ? { ExpressionAttributeValues: { ':then': stored.updatedAtMs, ':tokens': stored.tokens } }
              : {}),
          }),
        );
        return { granted: true, count };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Another consumer spent from this bucket since we read it: read again.
      }
    }
    // Heavy contention: the domain is busy; come back shortly.
    return { granted: false, retryAfterMs: Math.ceil(1000 / policy.ratePerSecond) };
  }
}
