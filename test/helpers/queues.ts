import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Receives and deletes every message on a queue; returns their bodies. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

/** Drains both run queues of a priority (browser `runs-<p>` and HTTP `runs-<p>-http`); their bodies. */
export async function drainRunQueues(
  sqs: SQSClient,
  queues: { readonly url: string; readonly httpUrl: string },
): Promise<{ browser: string[]; http: string[] }> {
  const [browser, http] = await Promise.all([drainQueue(sqs, queues.url), drainQueue(sqs, queues.httpUrl)]);
  return { browser, http };
}
