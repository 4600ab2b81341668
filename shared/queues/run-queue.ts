/**
 * The run queues of one environment, one per priority: every send, receive and delete of a run
 * message goes through here (expander's run now, monitor's repair, scraper's hand back, API
 * retries and redrives, the worker broker). SQS delays a message by 15 minutes at most;
 * a longer backoff is recorded on the run (`nextAttemptAt`) and the delay capped here.
 *
 * A run executed only by external workers (executor `worker`) gets no message: the scrapers must
 * never see it. Its queue is the runs table's byWorkerReadiness index, which every transition
 * keeps current (the run is ready for a worker from `workerReadyAt` on); sending it "succeeds".
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ShelfwatchError, UnavailableError } from '../errors/index.ts';
import type { Run } from '../runs/index.ts';
import { runMessageOf } from './run-message.ts';
import { type SendOutcome, SQS_MAX_DELAY_SECONDS, sendRunMessages } from './send-run-messages.ts';
import { mayExecute, type Priority } from '../definitions/index.ts';

/** Runs that scrapers may execute travel as messages; the others wait in the worker index. */
const hasMessage = (run: Run): boolean => mayExecute('scraper', run.executor);

export class RunQueue {
  private readonly sqs: SQSClient;
  readonly queueUrls: Readonly<Record<Priority, string>>;

  constructor(options: { sqs: SQSClient; queueUrls: Readonly<Record<Priority, string>> }) {
    this.sqs = options.sqs;
    this.queueUrls = options.queueUrls;
  }

  /** Sends one message per run (batched); reports which runs went and which did not. */
  async send(runs: readonly Run[], concurrency?: number): Promise<SendOutcome> {
    const forWorkers = runs.filter((run) => !hasMessage(run)).map((run) => run.runId);
    const outcome = await sendRunMessages(
      { sqs: this.sqs, queueUrls: this.queueUrls, ...(concurrency !== undefined ? { concurrency } : {}) },
      runs.filter(hasMessage).map(runMessageOf),
    );
    return forWorkers.length > 0 ? { ...outcome, sent: [...outcome.sent, ...forWorkers] } : outcome;
  }

  /** Sends one message per run (batched); throws if any could not be sent. */
  async sendNow(runs: readonly Run[]): Promise<void> {
    if (runs.length === 0) return;
    const { unsent, lastError } = await this.send(runs);
    if (unsent.length > 0) {
      throw new UnavailableError(
        'RUN_NOT_QUEUED',
        `could not queue ${unsent.join(', ')}: ${lastError ?? 'unknown error'}`,
      );
    }
  }

  /** A fresh message for the run, delivered after `delaySeconds` (at most SQS's 15 minutes). */
  async sendLater(run: Run, delaySeconds: number): Promise<void> {
    if (!hasMessage(run)) return;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[run.priority],
        MessageBody: runMessageOf(run).body,
        DelaySeconds: Math.max(0, Math.min(SQS_MAX_DELAY_SECONDS, Math.round(delaySeconds))),
      }),
    );
  }

  /** One message of a priority's queue, hidden for `visibilitySeconds`; undefined when empty. */
  async receiveOne(priority: Priority, visibilitySeconds: number): Promise<Message | undefined> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrls[priority],
        MaxNumberOfMessages: 1,
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 0,
      }),
    );
    return Messages[0];
  }

  async delete(priority: Priority, receiptHandle: string | undefined): Promise<void> {
    await this.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrls[priority], ReceiptHandle: receiptHandle }),
    );
  }

  /** Leaves a received message on its queue, visible again after `delaySeconds`. */
  async retryLater(queueUrl: string, receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  }

  /** Messages on a priority's queue: waiting, being worked on (in flight), and delayed. */
  async depth(priority: Priority): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrls[priority],
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** The URL of the queue an SQS event record came from, among this environment's. */
  queueUrlOfArn(eventSourceArn: string): string {
    const name = eventSourceArn.split(':').at(-1) ?? '';
    const url = Object.values(this.queueUrls).find((candidate) => candidate.endsWith(`/${name}`));
    if (!url)
      throw new ShelfwatchError(
        'internal',
        'UNKNOWN_RUN_QUEUE',
        `message from ${eventSourceArn}, which is not one of the configured run queues`,
      );
    return url;
  }
}
