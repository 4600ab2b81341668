/**
 * Which firings still have to be delivered, and the marks that say one was. evaluateRules records
 * each firing exactly once and returns it only to the call that recorded it; if that call then
 * fails to deliver it (SNS down, the webhook port refusing), the stream batch is retried and the
 * retry's evaluateRules returns nothing. So each batch also looks up the firings already recorded
 * for its changes and delivers those not yet marked as delivered.
 *
 *   ruleFirings  ruleId + firing#<itemKey>#<changeId>   the firing (written by RuleStore.fire)
 *                  snsPublishedAt    set once the alerts topic took it
 *                  webhooksSentAt    set once the webhook port took it
 *
 * A mark is written after the delivery it records: a crash between the two delivers again
 * (at-least-once delivery; exactly-once recording).
 *
 * Requests per batch (c changes, p (rule, change) pairs in scope and decided by the change):
 * 1 Query per distinct scope key (as evaluateRules) + ⌈p / 100⌉ BatchGetItem, + 1 UpdateItem per
 * firing delivered.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Change } from '../changes/index.ts';
import { chunk, sleep } from '../concurrency/index.ts';
import { UnavailableError } from '../errors/index.ts';
import {
  type Firing,
  firingKeyOf,
  isDecidedBy,
  isInScope,
  type RuleStore,
  scopeKeysOf,
} from '../rules/index.ts';

const BATCH_GET_SIZE = 100;
const MAX_ROUNDS = 8;

/** A firing as stored, with its delivery marks. */
export interface DeliveredFiring extends Firing {
  readonly snsPublishedAt?: string;
  readonly webhooksSentAt?: string;
}

export type DeliveryTarget = 'sns' | 'webhooks';

/** The targets of a firing not yet marked as delivered. */
export function undeliveredTargetsOf(firing: DeliveredFiring): DeliveryTarget[] {
  return [
    ...(firing.delivery.sns && !firing.snsPublishedAt ? (['sns'] as const) : []),
    ...(firing.delivery.webhooks.length > 0 && !firing.webhooksSentAt ? (['webhooks'] as const) : []),
  ];
}

export const firingIdOf = (firing: Pick<Firing, 'ruleId' | 'itemKey' | 'changeId'>): string =>
  `${firing.ruleId}#${firing.itemKey}#${firing.changeId}`;

export class FiringDeliveries {
  private readonly documents: DynamoDBDocumentClient;
  private readonly firingsTable: string;

  constructor(options: { documents: DynamoDBDocumentClient; firingsTable: string }) {
    this.documents = options.documents;
    this.firingsTable = options.firingsTable;
  }

  /** Firings already recorded for these changes with a target not yet marked as delivered. */
  async undeliveredOf(
    changes: readonly Change[],
    rules: Pick<RuleStore, 'rulesOfScopes'>,
  ): Promise<DeliveredFiring[]> {
    if (changes.length === 0) return [];
    // Disabled rules too: a rule disabled after it fired still owes that firing's delivery.
    const found = await rules.rulesOfScopes(changes.flatMap(scopeKeysOf));
    const keys = new Map<string, { ruleId: string; sk: string }>();
    for (const change of changes) {
      for (const rule of found) {
        if (!isInScope(rule.scope, change) || !isDecidedBy(rule.condition, change)) continue;
        const sk = firingKeyOf(change.itemKey, change.changeId);
        keys.set(`${rule.ruleId} ${sk}`, { ruleId: rule.ruleId, sk });
      }
    }
    const firings: DeliveredFiring[] = [];
    await Promise.all(
      chunk([...keys.values()], BATCH_GET_SIZE).map(async (batch) => {
        let pending: Record<string, unknown>[] = batch;
        for (let round = 0; pending.length > 0; round += 1) {
          if (round === MAX_ROUNDS) {
            throw new UnavailableError('FIRINGS_NOT_READ', `${pending.length} firings could not be read`);
          }
          if (round > 0) await sleep(Math.min(2_000, 50 * 2 ** round * (0.5 + Math.random() / 2)));
          const { Responses, UnprocessedKeys } = await this.documents.send(
            new BatchGetCommand({
              RequestItems: { [this.firingsTable]: { Keys: pending, ConsistentRead: true } },
            }),
          );
          firings.push(...((Responses?.[this.firingsTable] ?? []) as DeliveredFiring[]));
          pending = (UnprocessedKeys?.[this.firingsTable]?.Keys ?? []) as Record<string, unknown>[];
        }
      }),
    );
    return firings.filter((firing) => undeliveredTargetsOf(firing).length > 0);
  }

  /**
   * Marks the targets a firing was delivered to. A firing gone (past its retention) is not
   * written back: false. The caller logs a failed mark; the firing is then delivered again if its
   * batch is retried (at-least-once).
   */
  async markDelivered(firing: Firing, targets: readonly DeliveryTarget[], nowMs: number): Promise<boolean> {
    if (targets.length === 0) return true;
    const now = new Date(nowMs).toISOString();
    const names = { sns: 'snsPublishedAt', webhooks: 'webhooksSentAt' } as const;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.firingsTable,
          Key: { ruleId: firing.ruleId, sk: firingKeyOf(firing.itemKey, firing.changeId) },
          UpdateExpression: `SET ${targets.map((target) => `${names[target]} = :now`).join(', ')}`,
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
