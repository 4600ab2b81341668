/**
 * The SQS side of an emulated event source mapping, shared by the scraper's mappings and the
 * webhooks queue's: receive a batch as the records of an SQSEvent (eventSourceARN = the queue's
 * ARN), then delete the records the invocation did not report as failed, as Lambda does after a
 * partial batch response. What differs between the two (worker pool, priorities, visibility
 * extension) stays with each mapping.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export interface MappedQueue {
  readonly url: string;
  readonly arn: string;
}

export interface ReceiveBatchOptions {
  readonly sqs: SQSClient;
  readonly region: string;
  readonly queue: MappedQueue;
  readonly batchSize: number;
  /** How long a received message stays hidden (compressed locally, see each mapping). */
  readonly visibilitySeconds: number;
}

/** One receive (no long poll) of up to `batchSize` messages, as SQSEvent records. */
export async function receiveRecords(options: ReceiveBatchOptions): Promise<SQSRecord[]> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queue.url,
      MaxNumberOfMessages: options.batchSize,
      VisibilityTimeout: options.visibilitySeconds,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages.map((message) => recordOf(message, options.queue, options.region));
}

/** The message ids a handler's answer lists as failed. */
export const failedMessageIds = (response: SQSBatchResponse): Set<string> =>
  new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));

/** Deletes the records not in `failed` (the rest come back when their visibility ends). */
export async function deleteDoneRecords(
  sqs: SQSClient,
  queue: MappedQueue,
  records: readonly SQSRecord[],
  failed: ReadonlySet<string>,
): Promise<void> {
  const done = records.filter((record) => !failed.has(record.messageId));
  if (done.length === 0) return;
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
    }),
  );
}

function recordOf(message: Message, queue: MappedQueue, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}
