/**
 * The run queues of one environment, two per priority (browser and HTTP, see run-routing.ts):
 * every send, receive and delete of a run
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
import { mayExecute, type Priority, type RunQueueMode } from '../definitions/index.ts';
import { runQueueModeOf } from './run-routing.ts';

/** Runs that scrapers may execute travel as messages; the others wait in the worker index. */
const hasMessage = (run: Run): boolean => mayExecute('scraper', run.executor);

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface RunQueueOptions {
  readonly sqs: SQSClient;
  /** The browser queue of each priority (`runs-<priority>`): the Chromium scraper's and external workers'. */
  readonly queueUrls: Readonly<Record<Priority, string>>;
  /**
   * The HTTP queue of each priority (`runs-<priority>-http`). Without one, a priority's HTTP runs
   * go to its browser queue, whose function runs every mode (as before the HTTP function existed).
   */
  readonly httpQueueUrls?: Readonly<Partial<Record<Priority, string>>>;
}

export class RunQueue {
  private readonly sqs: SQSClient;
  readonly queueUrls: Readonly<Record<Priority, string>>;
  readonly httpQueueUrls: Readonly<Partial<Record<Priority, string>>>;

  constructor(options: RunQueueOptions) {
    this.sqs = options.sqs;
    this.queueUrls = options.queueUrls;
    this.httpQueueUrls = options.httpQueueUrls ?? {};
  }

  /** The queue of a priority and mode (the browser queue when no HTTP queue is configured). */
  queueUrlOf(priority: Priority, mode: RunQueueMode): string {
    return (mode === 'http' ? this.httpQueueUrls[priority] : undefined) ?? this.queueUrls[priority];
  }

  /** The queue a message for this run goes to now (its priority, its mode: run-routing.ts). */
  queueUrlOfRun(run: Run): string {
    return this.queueUrlOf(run.priority, runQueueModeOf(run));
  }

  /** Sends one message per run (batched); reports which runs went and which did not. */
  async send(runs: readonly Run[], concurrency?: number): Promise<SendOutcome> {
    const forWorkers = runs.filter((run) => !hasMessage(run)).map((run) => run.runId);
    const outcome = await sendRunMessages(
      {
        sqs: this.sqs,
        queueUrlOf: (priority, mode) => this.queueUrlOf(priority, mode),
        ...(concurrency !== undefined ? { concurrency } : {}),
      },
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
        QueueUrl: this.queueUrlOfRun(run),
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

  /**
   * Messages of a priority, on its browser and HTTP queues together: waiting, being worked on
   * (in flight), and delayed.
   */
  async depth(priority: Priority): Promise<QueueDepth> {
    const http = this.httpQueueUrls[priority];
    const urls = http === undefined ? [this.queueUrls[priority]] : [this.queueUrls[priority], http];
    const depths = await Promise.all(urls.map((url) => this.depthOf(url)));
    return depths.reduce((sum, depth) => ({
      visible: sum.visible + depth.visible,
      inFlight: sum.inFlight + depth.inFlight,
      delayed: sum.delayed + depth.delayed,
    }));
  }

  private async depthOf(queueUrl: string): Promise<QueueDepth> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
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
    const url = [...Object.values(this.queueUrls), ...Object.values(this.httpQueueUrls)].find((candidate) =>
      candidate?.endsWith(`/${name}`),
    );
    if (!url)
      throw new ShelfwatchError(
        'internal',
        'UNKNOWN_RUN_QUEUE',
        `message from ${eventSourceArn}, which is not one of the configured run queues`,
      );
    return url;
  }
}
