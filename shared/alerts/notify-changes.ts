/**
 * One batch of the changes stream: the notifier's whole job (functions/notifier/handler.ts is its
 * Lambda glue; local/changes-pump.ts runs it on `npm start`).
 *
 *   1. one event per change on the run events bus (at-least-once; refused entries retried)
 *   2. firings owed by earlier attempts of these changes (recorded, not marked delivered)
 *   3. evaluateRules: the firings this call records (exactly once)
 *   4. each firing of 2 and 3 to the alerts topic (`delivery.sns`) and the webhook port
 *      (`delivery.webhooks`); each delivered target marked on the stored firing
 *
 * Anything not done fails the batch from the earliest record concerned, so the event source
 * mapping retries from there (bisecting, then describing it on the failure queue): a change event
 * or a firing is never dropped silently. What a retry repeats is repeated at least once, never
 * recorded twice: events and alerts carry ids to de-duplicate on (docs/changes.md).
 */
import type { Change, ChangeKind } from '../changes/index.ts';
import { evaluateRules, type Firing, type RuleStores } from '../rules/index.ts';
import type { ChangeEventPublisher } from './change-event-publisher.ts';
import { type ChangeStreamRecord, changesOfStreamRecords } from './change-stream-records.ts';
import {
  type DeliveredFiring,
  type DeliveryTarget,
  type FiringDeliveries,
  firingIdOf,
  undeliveredTargetsOf,
} from './firing-deliveries.ts';
import { ChangeEventsNotPublishedError } from './alerts-error.ts';
import type { SendToWebhooks } from './webhook-port.ts';

export interface NotifierDependencies {
  readonly events: Pick<ChangeEventPublisher, 'publish'>;
  readonly rules: RuleStores;
  readonly deliveries: Pick<FiringDeliveries, 'undeliveredOf' | 'markDelivered'>;
  /** Publishes one firing to the alerts topic (SnsAlertPublisher). */
  readonly publishAlert: (firing: Firing) => Promise<void>;
  readonly sendToWebhooks: SendToWebhooks;
  readonly nowMs: () => number;
  /** Warnings that do not fail the batch (an unreadable record, a mark not written). */
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

export interface NotifyOutcome {
  /** Changes read from the batch's INSERT records. */
  readonly changes: number;
  readonly changesByKind: Partial<Record<ChangeKind, number>>;
  readonly eventsPublished: number;
  /** Firings this call recorded (each firing is recorded by exactly one call). */
  readonly firingsRecorded: readonly Firing[];
  /** Firings recorded by an earlier attempt and delivered by this one. */
  readonly firingsRedelivered: number;
  readonly alertsPublished: number;
  readonly webhookFiringsSent: number;
  /** Alerts the topic refused, and firings the webhook port refused: retried with the batch. */
  readonly alertPublishFailures: number;
  /** The earliest record not fully handled: the mapping retries from it. */
  readonly failure?: { readonly sequenceNumber: string; readonly error: unknown };
}

const changeKeyOf = (change: Pick<Change, 'itemKey' | 'changeId'>): string =>
  `${change.itemKey} ${change.changeId}`;

export async function notifyChanges(
  records: readonly ChangeStreamRecord[],
  dependencies: NotifierDependencies,
): Promise<NotifyOutcome> {
  const read = changesOfStreamRecords(records);
  for (const unreadable of read.unreadable) {
    dependencies.warn('changes stream record skipped: it holds no change', unreadable);
  }
  const changes = read.changes.map(({ change }) => change);
  const positionOf = new Map(read.changes.map(({ change }, index) => [changeKeyOf(change), index]));
  let earliest: { index: number; error: unknown } | undefined;
  const failAt = (index: number, error: unknown) => {
    if (!earliest || index < earliest.index) earliest = { index, error };
  };

  const events = await dependencies.events.publish(changes);
  if (events.failed.length > 0) {
    const error = new ChangeEventsNotPublishedError(
      events.failed.map(({ change }) => change),
      events.failed[0]?.reason ?? '',
    );
    for (const { change } of events.failed) failAt(positionOf.get(changeKeyOf(change)) ?? 0, error);
  }

  let recorded: Firing[] = [];
  let owed: DeliveredFiring[] = [];
  try {
    owed = await dependencies.deliveries.undeliveredOf(changes, dependencies.rules.rules);
    recorded = await evaluateRules(changes, dependencies.rules, { nowMs: dependencies.nowMs() });
  } catch (error) {
    failAt(0, error);
  }
  const toDeliver = new Map<string, DeliveredFiring>();
  for (const firing of [...owed, ...recorded]) toDeliver.set(firingIdOf(firing), firing);
  const delivery = await deliverFirings([...toDeliver.values()], dependencies);
  for (const { firing, error } of delivery.failed) failAt(positionOf.get(changeKeyOf(firing)) ?? 0, error);

  const changesByKind: Partial<Record<ChangeKind, number>> = {};
  for (const change of changes) changesByKind[change.kind] = (changesByKind[change.kind] ?? 0) + 1;
  const failedRecord = earliest && read.changes[earliest.index];
  return {
    changes: changes.length,
    changesByKind,
    eventsPublished: events.published,
    firingsRecorded: recorded,
    firingsRedelivered: owed.length,
    alertsPublished: delivery.alertsPublished,
    webhookFiringsSent: delivery.webhookFiringsSent,
    alertPublishFailures: delivery.failed.length,
    ...(earliest && failedRecord
      ? { failure: { sequenceNumber: failedRecord.sequenceNumber, error: earliest.error } }
      : {}),
  };
}

interface DeliveryOutcome {
  readonly alertsPublished: number;
  readonly webhookFiringsSent: number;
  readonly failed: { firing: Firing; error: unknown }[];
}

async function deliverFirings(
  firings: readonly DeliveredFiring[],
  dependencies: NotifierDependencies,
): Promise<DeliveryOutcome> {
  const done = new Map<string, DeliveryTarget[]>(firings.map((firing) => [firingIdOf(firing), []]));
  const failed: { firing: Firing; error: unknown }[] = [];
  const owing = (target: DeliveryTarget) =>
    firings.filter((firing) => undeliveredTargetsOf(firing).includes(target));

  const alerts = owing('sns');
  await Promise.all(
    alerts.map(async (firing) => {
      try {
        await dependencies.publishAlert(firing);
        done.get(firingIdOf(firing))?.push('sns');
      } catch (error) {
        failed.push({ firing, error });
      }
    }),
  );
  const webhookFirings = owing('webhooks');
  if (webhookFirings.length > 0) {
    try {
      await dependencies.sendToWebhooks(webhookFirings);
      for (const firing of webhookFirings) done.get(firingIdOf(firing))?.push('webhooks');
    } catch (error) {
      for (const firing of webhookFirings) failed.push({ firing, error });
    }
  }
  const nowMs = dependencies.nowMs();
  await Promise.all(
    firings.map(async (firing) => {
      const targets = done.get(firingIdOf(firing)) ?? [];
      if (targets.length === 0) return;
      try {
        const marked = await dependencies.deliveries.markDelivered(firing, targets, nowMs);
        if (!marked)
          dependencies.warn('firing delivered but gone from ruleFirings', { firingId: firingIdOf(firing) });
      } catch (error) {
        // Delivered, not marked: a retry of this batch would deliver it again (at-least-once).
        dependencies.warn('firing delivered but its delivery mark was not written', {
          firingId: firingIdOf(firing),
          error: String(error),
        });
      }
    }),
  );
  const count = (target: DeliveryTarget) =>
    [...done.values()].filter((targets) => targets.includes(target)).length;
  return { alertsPublished: count('sns'), webhookFiringsSent: count('webhooks'), failed };
}

/** The notifier's metrics for one batch (EMF through shared/monitoring's publishDatapoints). */
export function notifierDatapoints(outcome: NotifyOutcome): {
  name: string;
  unit: 'Count';
  value: number;
  dimensions?: Record<string, string>;
}[] {
  return [
    ...Object.entries(outcome.changesByKind).map(([kind, value]) => ({
      name: 'ChangesDetected',
      unit: 'Count' as const,
      value,
      dimensions: { Kind: kind },
    })),
    { name: 'RulesFired', unit: 'Count', value: outcome.firingsRecorded.length },
    { name: 'AlertPublishFailures', unit: 'Count', value: outcome.alertPublishFailures },
  ];
}
