/**
 * Rules, their arm states and their firings in DynamoDB.
 *
 *   rules        ruleId                 the rule; sparse index byScope (scopeKey, ruleId)
 *   ruleFirings  ruleId + arm#<itemKey>  what the rule remembers of the item (version = CAS)
 *                ruleId + firing#<itemKey>#<changeId>   one per firing, written only if absent
 *
 * Firing is one transaction: the arm state if still at the version read (or absent), and the
 * firing if absent. A retried evaluation of the same change meets its own firing (duplicate);
 * two evaluators racing on one item: one transaction wins, the other re-reads and decides again.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Change } from '../changes/index.ts';
import { chunk, sleep } from '../concurrency/index.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../errors/index.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';
import type { ArmState } from './evaluate-rule.ts';
import {
  newRuleSchema,
  type NewRule,
  type Rule,
  type RulePatch,
  rulePatchSchema,
  scopeKeyOf,
} from './rule.ts';

const BATCH_GET_SIZE = 100;
const MAX_ROUNDS = 8;

export interface RuleStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly rulesTable: string;
  readonly firingsTable: string;
  /** Days a firing, and an arm state not flipped since, are kept (the changes' retention). */
  readonly retentionDays: number;
  /**
   * Rules per page of the scope scan (DynamoDB's `Limit`); unset, a page is DynamoDB's 1 MB. Tests
   * set it small to reach the fallback to Queries without writing megabytes of rules.
   */
  readonly scopeScanPageSize?: number;
}

/** An arm state as stored. */
export interface StoredArm extends ArmState {
  readonly ruleId: string;
  readonly itemKey: string;
  readonly version: number;
  readonly expiresAt: number;
}

/** A rule fired for one item on one change: what a delivery step sends. */
export interface Firing {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly itemKey: string;
  readonly platform: string;
  readonly marketplace: string;
  readonly itemId: string;
  readonly definitionId: string;
  readonly changeId: string;
  readonly changeKind: Change['kind'];
  readonly condition: Rule['condition'];
  readonly delivery: Rule['delivery'];
  readonly reason: string;
  /** The detection time of the change that fired it. */
  readonly firedAt: string;
  /** When the firing was recorded. */
  readonly recordedAt: string;
}

export const firingKeyOf = (itemKey: string, changeId: string): string => `firing#${itemKey}#${changeId}`;
const armKeyOf = (itemKey: string): string => `arm#${itemKey}`;

export const ruleNotFound = (ruleId: string): NotFoundError =>
  new NotFoundError(
    'RULE_NOT_FOUND',
    `no rule "${ruleId}": list them with GET /rules (shelfwatch rules list)`,
  );

interface StoredRule extends Rule {
  readonly scopeKey: string;
}

const fromStored = ({ scopeKey: _scopeKey, ...rule }: StoredRule): Rule => rule;

export class RuleStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly rulesTable: string;
  private readonly firingsTable: string;
  private readonly retentionDays: number;
  private readonly scopeScanPageSize: number | undefined;

  constructor(options: RuleStoreOptions) {
    this.documents = options.documents;
    this.rulesTable = options.rulesTable;
    this.firingsTable = options.firingsTable;
    this.retentionDays = options.retentionDays;
    this.scopeScanPageSize = options.scopeScanPageSize;
  }

  /** Stores a new rule (validated here too); an id that exists is a conflict. */
  async create(input: NewRule, nowMs: number): Promise<Rule> {
    const parsed = newRuleSchema.safeParse(input);
    if (!parsed.success) throw ValidationError.fromZod('rule', parsed.error);
    const { id, ...fields } = parsed.data;
    const now = new Date(nowMs).toISOString();
    const rule: Rule = {
      ruleId: id ?? `rule-${randomBytes(6).toString('hex')}`,
      ...fields,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.rulesTable,
          Item: { ...rule, scopeKey: scopeKeyOf(rule.scope) },
          ConditionExpression: 'attribute_not_exists(ruleId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError('RULE_EXISTS', `a rule "${rule.ruleId}" exists already: pick another id`, [
          { field: 'id', message: 'exists already' },
        ]);
      }
      throw error;
    }
    return rule;
  }

  async get(ruleId: string): Promise<Rule> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.rulesTable, Key: { ruleId }, ConsistentRead: true }),
    );
    if (!Item) throw ruleNotFound(ruleId);
    return fromStored(Item as StoredRule);
  }

  /** A page of rules (an operator's listing: scans the rules table, which holds rules only). */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<{ rules: Rule[]; cursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.rulesTable,
        Limit: pageLimit(options.limit, 100),
        ...(options.cursor ? { ExclusiveStartKey: decodeCursor(options.cursor, ['ruleId']) } : {}),
      }),
    );
    const rules = (Items as StoredRule[]).map(fromStored);
    return LastEvaluatedKey ? { rules, cursor: encodeCursor(LastEvaluatedKey) } : { rules };
  }

  /** Replaces the fields given, if the rule did not change since it was read. */
  async update(ruleId: string, input: unknown, nowMs: number): Promise<Rule> {
    const parsed = rulePatchSchema.safeParse(input);
    if (!parsed.success) throw ValidationError.fromZod('rule', parsed.error);
    const patch: RulePatch = parsed.data;
    const current = await this.get(ruleId);
    const { coolDownMinutes, ...rest } = patch;
    const { coolDownMinutes: _old, ...kept } = current;
    const cool = coolDownMinutes === undefined ? current.coolDownMinutes : (coolDownMinutes ?? undefined);
    const next: Rule = {
      ...kept,
      ...rest,
      ...(cool === undefined ? {} : { coolDownMinutes: cool }),
      updatedAt: new Date(nowMs).toISOString(),
      version: current.version + 1,
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.rulesTable,
          Item: { ...next, scopeKey: scopeKeyOf(next.scope) },
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(
          'RULE_CHANGED',
          `rule "${ruleId}" changed or was deleted meanwhile: read it again`,
        );
      }
      throw error;
    }
    return next;
  }

  /** Deletes the rule; its arm states and firings expire with their retention. */
  async delete(ruleId: string): Promise<{ ruleId: string; deleted: true }> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.rulesTable,
          Key: { ruleId },
          ConditionExpression: 'attribute_exists(ruleId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw ruleNotFound(ruleId);
      throw error;
    }
    return { ruleId, deleted: true };
  }

  /**
   * The rules of these scope keys. A batch of changes names `all`, its definitions and its items
   * (up to 1 + 2c keys): one Query of the byScope index per key would cost a request per changed
   * item, where a deployment keeps few rules. So with more than two keys the whole index is
   * scanned instead, within a budget of one page fewer than the Queries it would replace (a page
   * is 1 MB: a few thousand rules); only a rules table past that budget falls back to the Queries.
   * Both read the index, eventually consistent alike.
   */
  async rulesOfScopes(scopeKeys: readonly string[]): Promise<Rule[]> {
    const keys = [...new Set(scopeKeys)];
    if (keys.length > 2) {
      const all = await this.scanScopes(keys.length - 1);
      if (all) {
        const wanted = new Set(keys);
        return all.filter((rule) => wanted.has(scopeKeyOf(rule.scope)));
      }
    }
    const pages = await Promise.all(
      keys.map(async (scopeKey) => {
        const rules: Rule[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const { Items = [], LastEvaluatedKey } = await this.documents.send(
            new QueryCommand({
              TableName: this.rulesTable,
              IndexName: 'byScope',
              KeyConditionExpression: 'scopeKey = :scopeKey',
              ExpressionAttributeValues: { ':scopeKey': scopeKey },
              ExclusiveStartKey: start,
            }),
          );
          rules.push(...(Items as StoredRule[]).map(fromStored));
          start = LastEvaluatedKey;
        } while (start);
        return rules;
      }),
    );
    return pages.flat();
  }

  /** Every rule of the byScope index, or undefined when that takes more than `maxPages` pages. */
  private async scanScopes(maxPages: number): Promise<Rule[] | undefined> {
    const rules: Rule[] = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new ScanCommand({
          TableName: this.rulesTable,
          IndexName: 'byScope',
          ExclusiveStartKey: start,
          ...(this.scopeScanPageSize ? { Limit: this.scopeScanPageSize } : {}),
        }),
      );
      rules.push(...(Items as StoredRule[]).map(fromStored));
      start = LastEvaluatedKey;
      if (!start) return rules;
    }
    return undefined;
  }

  /** Arm states of (rule, item) pairs: BatchGetItem of 100, consistent. Key: `<ruleId> <itemKey>`. */
  async arms(pairs: readonly { ruleId: string; itemKey: string }[]): Promise<Map<string, StoredArm>> {
    const arms = new Map<string, StoredArm>();
    const distinct = [...new Map(pairs.map((pair) => [pairKeyOf(pair), pair])).values()];
    await Promise.all(
      chunk(distinct, BATCH_GET_SIZE).map(async (batch) => {
        let pending: Record<string, unknown>[] = batch.map((pair) => ({
          ruleId: pair.ruleId,
          sk: armKeyOf(pair.itemKey),
        }));
        for (let round = 0; pending.length > 0; round += 1) {
          if (round === MAX_ROUNDS) {
            throw new UnavailableError(
              'FIRINGS_NOT_RECORDED',
              `${pending.length} arm states could not be read`,
            );
          }
          if (round > 0) await sleep(Math.min(2_000, 50 * 2 ** round * (0.5 + Math.random() / 2)));
          const { Responses, UnprocessedKeys } = await this.documents.send(
            new BatchGetCommand({
              RequestItems: { [this.firingsTable]: { Keys: pending, ConsistentRead: true } },
            }),
          );
          for (const arm of (Responses?.[this.firingsTable] ?? []) as StoredArm[])
            arms.set(pairKeyOf(arm), arm);
          pending = (UnprocessedKeys?.[this.firingsTable]?.Keys ?? []) as Record<string, unknown>[];
        }
      }),
    );
    return arms;
  }

  async arm(ruleId: string, itemKey: string): Promise<StoredArm | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.firingsTable,
        Key: { ruleId, sk: armKeyOf(itemKey) },
        ConsistentRead: true,
      }),
    );
    return Item as StoredArm | undefined;
  }

  /**
   * Records a firing and disarms, in one transaction conditioned on the arm state read.
   * The new arm state: this call fired; `duplicate`: this change already fired this rule for this item;
   * `race-lost`: the arm state moved (re-read and decide again).
   */
  async fire(
    stored: StoredArm | undefined,
    next: ArmState,
    firing: Firing,
  ): Promise<StoredArm | 'duplicate' | 'race-lost'> {
    const put = this.armPut(firing.ruleId, firing.itemKey, stored, next);
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Put: {
                TableName: this.firingsTable,
                Item: {
                  ...firing,
                  sk: firingKeyOf(firing.itemKey, firing.changeId),
                  expiresAt: this.expiryOf(firing.recordedAt),
                },
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
          ],
        }),
      );
      return put.Item;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'race-lost';
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'race-lost';
      }
      throw error;
    }
  }

  /** Stores a re-armed state if the arm state did not move since it was read. */
  async rearm(
    ruleId: string,
    itemKey: string,
    stored: StoredArm | undefined,
    next: ArmState,
  ): Promise<StoredArm | 'race-lost'> {
    const put = this.armPut(ruleId, itemKey, stored, next);
    try {
      await this.documents.send(new PutCommand(put));
      return put.Item;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'race-lost';
      throw error;
    }
  }

  /** The firings of a rule for one item, oldest first (one Query). */
  async firingsOf(ruleId: string, itemKey: string): Promise<Firing[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.firingsTable,
        KeyConditionExpression: 'ruleId = :ruleId AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':ruleId': ruleId, ':prefix': `firing#${itemKey}#` },
        ConsistentRead: true,
      }),
    );
    return Items as Firing[];
  }

  private armPut(ruleId: string, itemKey: string, stored: StoredArm | undefined, next: ArmState) {
    const item: StoredArm & { sk: string } = {
      ...next,
      ruleId,
      sk: armKeyOf(itemKey),
      itemKey,
      version: (stored?.version ?? 0) + 1,
      expiresAt: this.expiryOf(next.observedAt),
    };
    return {
      TableName: this.firingsTable,
      Item: item,
      ...(stored
        ? {
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': stored.version },
          }
        : { ConditionExpression: 'attribute_not_exists(sk)' }),
    };
  }

  private expiryOf(iso: string): number {
    return Math.floor(Date.parse(iso) / 1000) + this.retentionDays * 86_400;
  }
}

export const pairKeyOf = (pair: { ruleId: string; itemKey: string }): string =>
  `${pair.ruleId} ${pair.itemKey}`;
