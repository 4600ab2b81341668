/**
 * Webhook sender: invoked by the webhooks queue's event source mapping (batch item failures).
 * Delivers each firing to its webhook; failed attempts are retried with backoff by SQS, what
 * cannot succeed goes to the DLQ. Logic: shared/webhooks/webhook-sender.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { createWebhookSender, publishDeliveryMetrics } from '../../shared/webhooks/index.ts';

const resources = resourceEnvironment();
const logger = new Logger({ serviceName: 'shelfwatch-webhook-sender' });
const sender = createWebhookSender(resources, createAwsClients(), {
  info: (message, details) => logger.info(message, details),
  warn: (message, details) => logger.warn(message, details),
  error: (message, details) => logger.error(message, details),
});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const outcome = await sender.deliverBatch(event.Records);
  publishDeliveryMetrics(resources.stage, outcome);
  return { batchItemFailures: outcome.batchItemFailures };
};
