/**
 * The notifier's dependencies from a function's environment: the same wiring for the deployed
 * function and the local changes pump. `sendToWebhooks` is passed in (the webhook port).
 */
import {
  type AwsClients,
  requireAlertTopicArn,
  requireEventBus,
  requireTable,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { createStores } from '../stores/index.ts';
import { SnsAlertPublisher } from './alert-publisher.ts';
import { ChangeEventPublisher } from './change-event-publisher.ts';
import { FiringDeliveries } from './firing-deliveries.ts';
import type { NotifierDependencies } from './notify-changes.ts';
import type { SendToWebhooks } from './webhook-port.ts';

export interface NotifierWiring {
  readonly sendToWebhooks: SendToWebhooks;
  readonly warn: NotifierDependencies['warn'];
  readonly nowMs?: () => number;
}

export function createNotifierDependencies(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'sqs' | 'events' | 'sns'>,
  wiring: NotifierWiring,
): NotifierDependencies {
  const stores = createStores(resources, clients);
  const alerts = new SnsAlertPublisher({ sns: clients.sns, topicArn: requireAlertTopicArn(resources) });
  return {
    events: new ChangeEventPublisher({ events: clients.events, busName: requireEventBus(resources) }),
    rules: { rules: stores.rules, states: stores.changes, items: stores.items },
    deliveries: new FiringDeliveries({
      documents: clients.documents,
      firingsTable: requireTable(resources, 'ruleFirings'),
    }),
    publishAlert: (firing) => alerts.publish(firing),
    sendToWebhooks: wiring.sendToWebhooks,
    nowMs: wiring.nowMs ?? Date.now,
    warn: wiring.warn,
  };
}
