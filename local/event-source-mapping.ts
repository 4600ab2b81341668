/**
 * The SQS event source mappings of the scraper, emulated: one per priority queue, each with the
 * catalogue's batch size and maximum concurrency. A mapping receives a batch only when a scraper
 * worker is free (high first, then normal, then low), invokes the real handler in a worker
 * process with an SQSEvent (eventSourceARN = the queue's ARN) and a Context whose remaining time
 * counts down from the function's timeout, then deletes the messages not listed in
 * `batchItemFailures`. A function error (the handler threw, its process died or ran past its
 * timeout) deletes nothing: the batch comes back when its visibility ends, as in Lambda.
 *
 * Visibility, compressed: AWS keeps a received message hidden for 6× the function's timeout, so
 * it reappears only after its invocation is surely over. Locally a message is received hidden
 * for `receiveSeconds` (a few seconds) and, while its invocation is alive, kept hidden by
 * extending it to `extendToSeconds` every `extendEverySeconds`. A message whose consumer crashes
 * therefore comes back in seconds, not half an hour, and a message whose consumer is alive never
 * reappears under it. The handler's own visibility changes (the backoff of a retry) are left as
 * they are: extension stops when the invocation returns. See docs/local-runtime.md.
 */
import { randomUUID } from 'node:crypto';
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { InvocationResult, ScraperPool, ScraperWorker } from './scraper-pool.ts';
import { deleteDoneRecords, failedMessageIds, type MappedQueue, receiveRecords } from './sqs-batch.ts';
import { PRIORITIES, type Priority } from '../shared/definitions/index.ts';
import { QUEUES } from '../shared/catalogue/index.ts';

export interface MappingVisibility {
  /** Hidden this long when received: how soon a message whose consumer crashed at once returns. */
  readonly receiveSeconds: number;
  /** While the invocation lives, the message is kept hidden this long from each extension... */
  readonly extendToSeconds: number;
  /** ...made this often (must be well below extendToSeconds). */
  readonly extendEverySeconds: number;
}

export interface InvocationReport {
  readonly priority: Priority;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly records: number;
  readonly failedRecords: number;
  /** Set when the invocation was a function error (crash, throw, timeout). */
  readonly error?: string;
}

export interface InFlightInvocation {
  readonly priority: Priority;
  /** Process id of the worker running it. */
  readonly pid: number;
  readonly runIds: readonly string[];
  readonly startedAtMs: number;
}

export interface EventSourceMappingOptions {
  readonly sqs: SQSClient;
  readonly region: string;
  readonly queues: Readonly<Record<Priority, MappedQueue>>;
  readonly pool: ScraperPool;
  readonly functionTimeoutSeconds: number;
  readonly visibility: MappingVisibility;
  readonly maxConcurrency?: Partial<Record<Priority, number>>;
  readonly batchSize?: Partial<Record<Priority, number>>;
  /** How long to wait before polling again when no queue gave a message. Default 250 ms. */
  readonly idlePollMs?: number;
  readonly onInvocation?: (report: InvocationReport) => void;
  /** Fault injection: a record for which this returns true crashes its worker on delivery. */
  readonly crashOnDelivery?: (record: SQSRecord) => boolean;
  readonly onError?: (error: unknown) => void;
}

const runIdOf = (body: string): string | undefined => {
  try {
    const parsed = JSON.parse(body) as { runId?: unknown };
    return typeof parsed.runId === 'string' ? parsed.runId : undefined;
  } catch {
    return undefined;
  }
};

export class EventSourceMappings {
  private readonly options: EventSourceMappingOptions;
  private readonly inFlight = new Map<Promise<void>, InFlightInvocation>();
  private readonly counts = new Map<Priority, number>(PRIORITIES.map((p) => [p, 0]));
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(options: EventSourceMappingOptions) {
    this.options = options;
  }

  start(): void {
    this.loop ??= this.poll();
  }

  /** Invocations running now (the e2e test picks one to kill). */
  running(): InFlightInvocation[] {
    return [...this.inFlight.values()];
  }

  /** Stops receiving, ends the workers (running invocations end as crashes would) and waits. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.options.pool.stop();
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  private concurrencyOf(priority: Priority): number {
    return this.options.maxConcurrency?.[priority] ?? QUEUES[priority].maxConcurrency;
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      let dispatched = false;
      try {
        dispatched = await this.dispatchRound();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!dispatched && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idlePollMs ?? 250);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** One pass over the queues, high first; true if any batch was handed to a worker. */
  private async dispatchRound(): Promise<boolean> {
    let dispatched = false;
    for (const priority of PRIORITIES) {
      if (this.stopped) break;
      if ((this.counts.get(priority) ?? 0) >= this.concurrencyOf(priority)) continue;
      if (!this.options.pool.hasCapacity) break;
      const worker = await this.options.pool.acquire();
      if (!worker) break;
      let records: SQSRecord[] = [];
      try {
        records = await this.receive(priority);
      } finally {
        if (records.length === 0) this.options.pool.release(worker);
      }
      if (records.length === 0) continue;
      dispatched = true;
      this.track(priority, worker, records);
    }
    return dispatched;
  }

  private receive(priority: Priority): Promise<SQSRecord[]> {
    return receiveRecords({
      sqs: this.options.sqs,
      region: this.options.region,
      queue: this.options.queues[priority],
      batchSize: this.options.batchSize?.[priority] ?? QUEUES[priority].batchSize,
      visibilitySeconds: this.options.visibility.receiveSeconds,
    });
  }

  private track(priority: Priority, worker: ScraperWorker, records: SQSRecord[]): void {
    const entry: InFlightInvocation = {
      priority,
      pid: worker.pid,
      runIds: records.flatMap((record) => runIdOf(record.body) ?? []),
      startedAtMs: Date.now(),
    };
    this.counts.set(priority, (this.counts.get(priority) ?? 0) + 1);
    const invocation = this.invoke(priority, worker, records)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.inFlight.delete(invocation);
        this.counts.set(priority, (this.counts.get(priority) ?? 1) - 1);
        this.options.pool.release(worker);
        this.wake?.();
      });
    this.inFlight.set(invocation, entry);
  }

  private async invoke(priority: Priority, worker: ScraperWorker, records: SQSRecord[]): Promise<void> {
    const startedAtMs = Date.now();
    let result: InvocationResult;
    if (records.some((record) => this.options.crashOnDelivery?.(record) === true)) {
      worker.kill();
      result = { kind: 'function-error', message: `scraper process ${worker.pid} crashed (injected)` };
    } else {
      const stopExtending = this.keepHidden(priority, records);
      try {
        result = await worker.invoke(
          { Records: records },
          randomUUID(),
          startedAtMs + this.options.functionTimeoutSeconds * 1000,
        );
      } finally {
        await stopExtending();
      }
    }
    const failed =
      result.kind === 'response'
        ? failedMessageIds(result.response)
        : new Set(records.map((record) => record.messageId));
    await deleteDoneRecords(this.options.sqs, this.options.queues[priority], records, failed);
    this.options.onInvocation?.({
      priority,
      startedAtMs,
      durationMs: Date.now() - startedAtMs,
      records: records.length,
      failedRecords: failed.size,
      ...(result.kind === 'function-error' ? { error: result.message } : {}),
    });
  }

  /** Extends the records' visibility now and periodically; the returned function stops it. */
  private keepHidden(priority: Priority, records: SQSRecord[]): () => Promise<void> {
    const { extendToSeconds, extendEverySeconds } = this.options.visibility;
    let last: Promise<unknown> = Promise.resolve();
    const extend = () => {
      last = this.options.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.options.queues[priority].url,
            Entries: records.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: extendToSeconds,
            })),
          }),
        )
        .catch(() => undefined); // a message already deleted or handed back: nothing to keep hidden
    };
    extend();
    const timer = setInterval(extend, extendEverySeconds * 1000);
    return async () => {
      clearInterval(timer);
      await last;
    };
  }
}
