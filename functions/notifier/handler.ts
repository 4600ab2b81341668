/**
 * Notifier: invoked by the event source mapping of the changes table's stream (INSERTs only, by
 * the mapping's filter). Puts one event per change on the run events bus, evaluates the watch
 * rules and delivers their firings (alerts topic, webhook port); reports the first record not
 * fully handled, so the mapping retries from there. Logic: shared/alerts/notify-changes.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createNotifierDependencies, notifierDatapoints, notifyChanges } from '../../shared/alerts/index.ts';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { createMetrics, publishDatapoints } from '../../shared/monitoring/index.ts';
import { createSendToWebhooks } from '../../shared/webhooks/index.ts';

const resources = resourceEnvironment();
const logger = new Logger({ serviceName: 'shelfwatch-notifier' });
const metrics = createMetrics(resources.stage);
const clients = createAwsClients();
const dependencies = createNotifierDependencies(resources, clients, {
  // Firings naming webhooks: one delivery each on the webhooks queue (the webhook sender's).
  sendToWebhooks: createSendToWebhooks(resources, clients),
  warn: (message, details) => logger.warn(message, details),
});

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await notifyChanges(event.Records, dependencies);
  publishDatapoints(metrics, notifierDatapoints(outcome));
  const summary = {
    records: event.Records.length,
    changes: outcome.changes,
    events: outcome.eventsPublished,
    rulesFired: outcome.firingsRecorded.length,
    redelivered: outcome.firingsRedelivered,
    alerts: outcome.alertsPublished,
    webhookFirings: outcome.webhookFiringsSent,
    alertPublishFailures: outcome.alertPublishFailures,
  };
  if (!outcome.failure) {
    logger.info('changes batch notified', summary);
    return { batchItemFailures: [] };
  }
  logger.error('changes batch not fully notified: the mapping retries from the first record not done', {
    ...summary,
    sequenceNumber: outcome.failure.sequenceNumber,
    error: outcome.failure.error as Error,
  });
  return { batchItemFailures: [{ itemIdentifier: outcome.failure.sequenceNumber }] };
};
