/**
 * The sender: one batch of webhook-queue messages, each delivered once, and what happens to each
 * that is not (nothing is dropped silently):
 *
 *   parse ──bad──────────────────────────────▶ DLQ (reason attribute), deleted from the queue
 *     │ok
 *   registry ──unknown / bad webhook──────────▶ DLQ
 *     │
 *   render, sign, POST ──delivered─────────────▶ deleted
 *                      ──refused (3xx, 4xx…)──▶ DLQ
 *                      ──retry (5xx, 408, 429, timeout, connection)──▶ visibility = backoff(receive
 *                        count), reported as a batch item failure; after the queue's
 *                        maxReceiveCount receives SQS moves it to the DLQ itself.
 *
 * A message is reported as failed (left on the queue) also when moving it to the DLQ fails.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '../concurrency/index.ts';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import type { Resolver } from '../scraping/url-guard.ts';
import { deliveryIdOf, parseWebhookDeliveryMessage } from './delivery-message.ts';
import { type AttemptOutcome, postDelivery } from './post-delivery.ts';
import { renderDelivery } from './render-delivery.ts';
import { WEBHOOK_DEFAULTS } from './settings.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './signature.ts';
import { UnknownWebhookError, type WebhookRegistry } from './webhook-config.ts';

/** The fields of an SQS record the sender reads (Lambda's SQSRecord has them). */
export interface DeliveryRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount: string };
}

export interface DeliveryLog {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface WebhookSenderOptions {
  readonly registry: WebhookRegistry;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly log: DeliveryLog;
  /** Loopback `host:port` values deliveries may go to (tests, `npm start`; never deployed). */
  readonly allowHosts?: readonly string[];
  /** PEM certificates trusted besides the system's (a local https receiver; never deployed). */
  readonly trustedCertificates?: string;
  readonly timeoutMs?: number;
  readonly retryBaseSeconds?: number;
  readonly retryMaxSeconds?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly resolve?: Resolver;
}

export interface BatchOutcome {
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly delivered: number;
  /** Attempts that failed and will be tried again. */
  readonly retried: number;
  /** Messages moved to the DLQ by the sender (malformed, unknown webhook, refused). */
  readonly deadLettered: number;
}

type RecordResult = 'delivered' | 'retried' | 'dead-lettered' | 'left';

/** Seconds before the next attempt: base·2^(attempt−1), capped, with equal jitter (half fixed, half random). */
export function retryDelaySeconds(
  attempt: number,
  baseSeconds: number,
  maxSeconds: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(0, Math.min(43_200, Math.round(ceiling / 2 + random() * (ceiling / 2))));
}

export class WebhookSender {
  private readonly options: WebhookSenderOptions;

  constructor(options: WebhookSenderOptions) {
    this.options = options;
  }

  async deliverBatch(records: readonly DeliveryRecord[]): Promise<BatchOutcome> {
    const results = await mapWithConcurrency(records, 10, (record) => this.deliverRecord(record));
    const count = (result: RecordResult) => results.filter((r) => r === result).length;
    return {
      batchItemFailures: records
        .filter((_, index) => results[index] === 'retried' || results[index] === 'left')
        .map((record) => ({ itemIdentifier: record.messageId })),
      delivered: count('delivered'),
      retried: count('retried'),
      deadLettered: count('dead-lettered'),
    };
  }

  private async deliverRecord(record: DeliveryRecord): Promise<RecordResult> {
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    let message;
    try {
      message = parseWebhookDeliveryMessage(record.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return this.deadLetter(record, error.message, { attempt });
    }
    const deliveryId = deliveryIdOf(message.firing, message.webhookId);
    const context = { deliveryId, webhookId: message.webhookId, ruleId: message.firing.ruleId, attempt };
    let webhook;
    try {
      webhook = await this.options.registry.get(message.webhookId);
    } catch (error) {
      if (error instanceof UnknownWebhookError || error instanceof ValidationError) {
        return this.deadLetter(record, error.message, context);
      }
      return this.retry(record, { kind: 'retry', reason: errorText(error) }, context);
    }
    const nowMs = (this.options.now ?? Date.now)();
    const timestamp = Math.floor(nowMs / 1000);
    const request = renderDelivery(
      webhook,
      { deliveryId, webhookId: message.webhookId, firing: message.firing },
      nowMs,
    );
    const outcome = await postDelivery(
      {
        url: request.url,
        body: request.body,
        headers: {
          [DELIVERY_HEADER]: deliveryId,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookBody(webhook.signingSecret, timestamp, request.body),
        },
      },
      {
        timeoutMs: this.options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs,
        ...(this.options.allowHosts ? { allowHosts: this.options.allowHosts } : {}),
        ...(this.options.trustedCertificates
          ? { trustedCertificates: this.options.trustedCertificates }
          : {}),
        ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      },
    );
    switch (outcome.kind) {
      case 'delivered':
        this.options.log.info('webhook delivered', { ...context, status: outcome.status });
        return 'delivered';
      case 'refused':
        return this.deadLetter(record, outcome.reason, context);
      case 'retry':
        return this.retry(record, outcome, context);
    }
  }

  private async retry(
    record: DeliveryRecord,
    outcome: Extract<AttemptOutcome, { kind: 'retry' }>,
    context: Record<string, unknown> & { attempt: number },
  ): Promise<RecordResult> {
    const backoff = retryDelaySeconds(
      context.attempt,
      this.options.retryBaseSeconds ?? WEBHOOK_DEFAULTS.retryBaseSeconds,
      this.options.retryMaxSeconds ?? WEBHOOK_DEFAULTS.retryMaxSeconds,
      this.options.random,
    );
    const delaySeconds = Math.max(backoff, Math.min(outcome.retryAfterSeconds ?? 0, 43_200));
    this.options.log.warn('webhook delivery failed; retried after a backoff', {
      ...context,
      reason: outcome.reason,
      delaySeconds,
    });
    try {
      await this.options.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: delaySeconds,
        }),
      );
    } catch (error) {
      // The message still comes back, after the queue's own visibility timeout.
      this.options.log.warn('could not set the retry backoff', { ...context, error: errorText(error) });
    }
    return 'retried';
  }

  private async deadLetter(
    record: DeliveryRecord,
    reason: string,
    context: Record<string, unknown>,
  ): Promise<RecordResult> {
    try {
      await this.options.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.options.deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: {
            reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
            sourceMessageId: { DataType: 'String', StringValue: record.messageId },
          },
        }),
      );
    } catch (error) {
      this.options.log.error('could not move a webhook delivery to the DLQ; it stays on the queue', {
        ...context,
        reason,
        error: errorText(error),
      });
      return 'left';
    }
    this.options.log.error('webhook delivery moved to the DLQ: it cannot succeed as it is', {
      ...context,
      messageId: record.messageId,
      reason,
    });
    return 'dead-lettered';
  }
}

const errorText = (error: unknown): string =>
  error instanceof ShelfwatchError || error instanceof Error ? error.message : String(error);
