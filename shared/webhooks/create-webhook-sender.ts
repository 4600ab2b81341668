/**
 * The sender of an environment (Lambda or `npm start`): its queue and DLQ from the resource
 * environment, the registry from Secrets Manager (or, locally, the webhooks file), the settings
 * from their variables. And the metrics an invocation emits (EMF): the WebhookFailures alarm
 * watches `WebhookDeliveryFailures`.
 */
import { readFileSync } from 'node:fs';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type AwsClients,
  requireWebhookDeadLetterQueueUrl,
  requireWebhookQueueUrl,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../catalogue/index.ts';
import { type SendToWebhooks, webhookSenderPort } from './enqueue-deliveries.ts';
import { ValidationError } from '../errors/index.ts';
import { WEBHOOK_VARIABLES, webhookSettingsFromEnvironment } from './settings.ts';
import { FileWebhookRegistry, SecretsManagerWebhookRegistry } from './webhook-registry.ts';
import { type BatchOutcome, type DeliveryLog, WebhookSender } from './webhook-sender.ts';

export function createWebhookSender(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'sqs' | 'secrets'>,
  log: DeliveryLog,
  env: NodeJS.ProcessEnv = process.env,
): WebhookSender {
  const settings = webhookSettingsFromEnvironment(env);
  const registry = settings.webhooksFile
    ? new FileWebhookRegistry(settings.webhooksFile)
    : new SecretsManagerWebhookRegistry({ secrets: clients.secrets, stage: resources.stage });
  return new WebhookSender({
    registry,
    sqs: clients.sqs,
    queueUrl: requireWebhookQueueUrl(resources),
    deadLetterQueueUrl: requireWebhookDeadLetterQueueUrl(resources),
    log,
    timeoutMs: settings.timeoutMs,
    retryBaseSeconds: settings.retryBaseSeconds,
    retryMaxSeconds: settings.retryMaxSeconds,
    ...(settings.allowHosts ? { allowHosts: settings.allowHosts } : {}),
    ...(settings.caFile ? { trustedCertificates: readCaFile(settings.caFile) } : {}),
  });
}

/** The extra CA file, read once when the sender is built; one that cannot be read is named. */
function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError('environment', [
      { field: WEBHOOK_VARIABLES.caFile, message: `cannot read ${file} (${(error as Error).message})` },
    ]);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ValidationError('environment', [
      { field: WEBHOOK_VARIABLES.caFile, message: `${file} holds no PEM certificate` },
    ]);
  }
  return text;
}

/** The port a function declared `enqueuesWebhooks` hands its firings to (the notifier). */
export function createSendToWebhooks(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'sqs'>,
): SendToWebhooks {
  return webhookSenderPort({ sqs: clients.sqs, queueUrl: requireWebhookQueueUrl(resources) });
}

/** WebhookDeliveries, WebhookDeliveryFailures (attempts failed: retried or dead-lettered), WebhookDeadLettered. */
export function publishDeliveryMetrics(stage: string, outcome: BatchOutcome): void {
  const metrics = new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: METRIC_SERVICE,
    defaultDimensions: { Stage: stage },
  });
  metrics.addMetric('WebhookDeliveries', MetricUnit.Count, outcome.delivered);
  metrics.addMetric('WebhookDeliveryFailures', MetricUnit.Count, outcome.retried + outcome.deadLettered);
  metrics.addMetric('WebhookDeadLettered', MetricUnit.Count, outcome.deadLettered);
  metrics.publishStoredMetrics();
}
