/**
 * The sender of an environment (Lambda or `npm start`): its queue and DLQ from the resource
 * environment, the registry from Secrets Manager (or, locally, the webhooks file), the settings
 * from their variables. And the metrics an invocation emits (EMF): the WebhookFailures alarm
 * watches `WebhookDeliveryFailures`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type AwsClients,
  requireWebhookDeadLetterQueueUrl,
  requireWebhookQueueUrl,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../catalogue/index.ts';
import { type SendToWebhooks, webhookSenderPort } from './enqueue-deliveries.ts';
import { webhookSettingsFromEnvironment } from './settings.ts';
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
  });
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
