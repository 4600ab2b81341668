/**
 * DLQ peek and redrive. SQS's StartMessageMoveTask is not used (the local emulator lacks it, and
 * a redrive must also reopen the run): a redrive receives from the DLQ, sends the message to its
 * source queue, deletes it from the DLQ, and moves a DEAD_LETTERED run back to QUEUED with its
 * attempts starting over. Send before delete: a crash in between leaves a duplicate, which the
 * run's lease makes harmless, never a lost message.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Priority } from '../aws/catalogue.ts';
import { NotFoundError, ValidationError } from '../errors/index.ts';
import { parseRunMessage } from '../expansion/run-message.ts';
import { IllegalTransitionError, RunNotFoundError, type RunStore } from '../runs/index.ts';

export interface DeadLetter {
  readonly messageId: string;
  /** The run the message names; absent when the body is not a run message. */
  readonly runId?: string;
  readonly body: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
}

export interface Redriven {
  readonly messageId: string;
  readonly runId?: string;
  /** The run went from DEAD_LETTERED back to QUEUED. */
  readonly reopened: boolean;
}

/** Most messages one redrive-all request moves (the rest wait for the next request). */
export const REDRIVE_ALL_LIMIT = 500;
const SEARCH_VISIBILITY_SECONDS = 60;

export class DeadLetters {
  private readonly sqs: SQSClient;
  private readonly queueUrls: Record<Priority, string>;
  private readonly deadLetterQueueUrls: Record<Priority, string>;
  private readonly runs: RunStore;

  constructor(options: {
    sqs: SQSClient;
    queueUrls: Record<Priority, string>;
    deadLetterQueueUrls: Record<Priority, string>;
    runs: RunStore;
  }) {
    this.sqs = options.sqs;
    this.queueUrls = options.queueUrls;
    this.deadLetterQueueUrls = options.deadLetterQueueUrls;
    this.runs = options.runs;
  }

  /**
   * Up to `limit` (≤ 10) messages, made visible again at once: peeking moves nothing. (Received
   * with a short timeout, then released: some emulators read a timeout of 0 as "the default".)
   */
  async peek(priority: Priority, limit: number): Promise<DeadLetter[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.deadLetterQueueUrls[priority],
        MaxNumberOfMessages: limit,
        VisibilityTimeout: SEARCH_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }),
    );
    await this.makeVisible(priority, Messages);
    return Messages.map(deadLetterOf);
  }

  async depth(priority: Priority): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.deadLetterQueueUrls[priority],
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    // Messages another operator is peeking at (briefly invisible) are dead letters all the same.
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /** Moves one message (by id) back to its queue. Throws NotFoundError if it is not in the DLQ. */
  async redriveOne(priority: Priority, messageId: string, nowMs: number): Promise<Redriven> {
    const passedOver: Message[] = [];
    try {
      for (let round = 0; round < 20; round += 1) {
        const messages = await this.receive(priority, 10);
        if (messages.length === 0) break;
        const found = messages.find((message) => message.MessageId === messageId);
        passedOver.push(...messages.filter((message) => message !== found));
        if (found) return await this.move(priority, found, nowMs);
      }
    } finally {
      await this.makeVisible(priority, passedOver);
    }
    throw new NotFoundError(
      'DEAD_LETTER_NOT_FOUND',
      `no message ${messageId} in the ${priority} DLQ: peek it again (it may have been redriven)`,
    );
  }

  /** Moves every message (up to REDRIVE_ALL_LIMIT) back to its queue. */
  async redriveAll(priority: Priority, nowMs: number): Promise<Redriven[]> {
    const moved: Redriven[] = [];
    while (moved.length < REDRIVE_ALL_LIMIT) {
      const messages = await this.receive(priority, Math.min(10, REDRIVE_ALL_LIMIT - moved.length));
      if (messages.length === 0) break;
      for (const message of messages) moved.push(await this.move(priority, message, nowMs));
    }
    return moved;
  }

  private async receive(priority: Priority, count: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.deadLetterQueueUrls[priority],
        MaxNumberOfMessages: count,
        VisibilityTimeout: SEARCH_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
      }),
    );
    return Messages;
  }

  private async move(priority: Priority, message: Message, nowMs: number): Promise<Redriven> {
    const { runId } = deadLetterOf(message);
    let reopened = false;
    if (runId !== undefined) {
      try {
        const run = await this.runs.require(runId);
        if (run.status === 'DEAD_LETTERED') {
          await this.runs.reopen(runId, nowMs);
          reopened = true;
        }
      } catch (error) {
        if (!(error instanceof RunNotFoundError || error instanceof IllegalTransitionError)) throw error;
      }
    }
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrls[priority], MessageBody: message.Body ?? '' }),
    );
    await this.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: this.deadLetterQueueUrls[priority],
        ReceiptHandle: message.ReceiptHandle,
      }),
    );
    return { messageId: message.MessageId ?? '', ...(runId !== undefined ? { runId } : {}), reopened };
  }

  private async makeVisible(priority: Priority, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.deadLetterQueueUrls[priority],
          Entries: messages.slice(start, start + 10).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}

function deadLetterOf(message: Message): DeadLetter {
  const body = message.Body ?? '';
  let runId: string | undefined;
  try {
    runId = parseRunMessage(body).runId;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  const sent = Number(message.Attributes?.SentTimestamp);
  const received = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? '',
    ...(runId !== undefined ? { runId } : {}),
    body,
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(Number.isFinite(received) && received > 0 ? { receiveCount: received } : {}),
  };
}
