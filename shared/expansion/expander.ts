/**
 * The task expander: for each slot from the watermark to now, every definition due in the slot
 * becomes exactly one run and one message on the queue of its priority.
 *
 * Guarantees (see docs/expander.md):
 *  - one run per (definition, slot): runs are created with conditional puts (attribute_not_exists),
 *    batched in transactions of 100; an existing run is never overwritten, whatever its state;
 *  - no run is lost: a run is marked QUEUED only after its message was accepted by SQS, and a
 *    slot moves the watermark only when all its runs are queued; re-expanding a slot re-sends
 *    the messages of runs still PENDING (a duplicate message is harmless: its consumer finds the
 *    run taken or finished);
 *  - catch-up: missed slots within the window are expanded oldest first; older ones are skipped
 *    and counted.
 *
 * Requests are kept near the minimum by filling every batch: runs are created 100 per
 * transaction, messages sent 10 per SendMessageBatch per priority, runs marked 100 per
 * transaction; remainders wait for the next page and only the last batch of each may be short.
 */
import { type Definition, type DefinitionStore, PRIORITIES, type Priority } from '../definitions/index.ts';
import { type RunQueue, SQS_BATCH_LIMIT } from '../queues/index.ts';
import {
  type BatchOptions,
  createRunsOnce,
  IllegalTransitionError,
  markRunsQueued,
  type Run,
  type RunStore,
  TRANSACTION_LIMIT,
} from '../runs/index.ts';
import { addSlots, type Slot, slotOf, slotsBetween } from '../schedule/index.ts';
import type { Watermark } from './watermark.ts';

export interface ExpanderOptions {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly batches: BatchOptions;
  readonly watermark: Watermark;
  readonly queue: RunQueue;
  /** How many missed slots (hours, including the current one) are caught up (settings.ts). */
  readonly catchUpHours: number;
  /** SendMessageBatch requests in flight. Default 16. */
  readonly sendConcurrency?: number;
  /** Runs collected before a round of writes (a multiple of 100). Default 2,000. */
  readonly roundSize?: number;
}

export interface SlotReport {
  readonly slot: Slot;
  readonly due: number;
  readonly created: number;
  /** Runs that existed already (a repeated or concurrent expansion). */
  readonly existing: number;
  /** Messages sent (new runs, and existing runs still PENDING). */
  readonly sent: number;
  readonly queued: number;
  /** Messages that could not be sent: their runs stay PENDING for the next expansion. */
  readonly unsent: number;
  /** Why messages could not be sent, when some could not. */
  readonly error?: string;
}

export interface ExpansionReport {
  readonly currentSlot: Slot;
  readonly previousWatermark?: Slot;
  readonly slots: SlotReport[];
  /** Missed slots older than the catch-up window: never expanded. */
  readonly skippedSlots: number;
  readonly skippedFrom?: Slot;
  readonly skippedTo?: Slot;
  readonly complete: boolean;
  readonly durationMs: number;
}

export class Expander {
  private readonly options: ExpanderOptions;

  constructor(options: ExpanderOptions) {
    this.options = options;
  }

  /**
   * The scheduled firing: expands every slot after the watermark up to the current one (within
   * the catch-up window), oldest first, moving the watermark after each complete slot.
   */
  async expandDue(nowMs: number): Promise<ExpansionReport> {
    const started = Date.now();
    const currentSlot = slotOf(nowMs);
    const previousWatermark = await this.options.watermark.read();
    const { slots, skipped } = this.slotsToExpand(currentSlot, previousWatermark);
    const reports: SlotReport[] = [];
    let complete = true;
    for (const slot of slots) {
      const report = await this.expandSlot(slot, nowMs);
      reports.push(report);
      if (report.unsent > 0) {
        complete = false;
        break;
      }
      await this.options.watermark.advance(slot, nowMs);
    }
    return {
      currentSlot,
      ...(previousWatermark ? { previousWatermark } : {}),
      slots: reports,
      skippedSlots: skipped.length,
      ...(skipped.length > 0 ? { skippedFrom: skipped[0], skippedTo: skipped[skipped.length - 1] } : {}),
      complete,
      durationMs: Date.now() - started,
    };
  }

  /** Which slots a firing at `currentSlot` expands, and which missed ones it skips. */
  slotsToExpand(currentSlot: Slot, watermark: Slot | undefined): { slots: Slot[]; skipped: Slot[] } {
    if (watermark === undefined) return { slots: [currentSlot], skipped: [] };
    if (watermark >= currentSlot) return { slots: [], skipped: [] };
    const window = Math.max(1, this.options.catchUpHours);
    const first = addSlots(watermark, 1);
    const windowStart = addSlots(currentSlot, -(window - 1));
    if (first >= windowStart) return { slots: slotsBetween(first, currentSlot), skipped: [] };
    return {
      slots: slotsBetween(windowStart, currentSlot),
      skipped: slotsBetween(first, addSlots(windowStart, -1)),
    };
  }

  /**
   * Expands one slot (an operator's "expand again" too): safe to repeat at any time; it never
   * creates a second run and never resets one. Does not move the watermark.
   */
  async expandSlot(slot: Slot, nowMs: number): Promise<SlotReport> {
    const pipeline = new SlotPipeline(this.options, slot, nowMs);
    for await (const page of this.options.definitions.dueIn(slot)) {
      await pipeline.add(page.map((entry) => entry.definition));
    }
    return pipeline.finish();
  }

  /** Operator's "run now": a run of its own (manual id), queued at once. */
  async runNow(definitionId: string, requestId: string, nowMs: number): Promise<Run> {
    const definition = await this.options.definitions.require(definitionId);
    const run = this.options.runs.newRun(
      { definition, slot: slotOf(nowMs), trigger: 'manual', requestId },
      nowMs,
    );
    const { created, run: stored } = await this.options.runs.create(run);
    if (!created && stored.status !== 'PENDING') return stored;
    await this.options.queue.sendNow([stored]);
    try {
      return await this.options.runs.markQueued(run.runId, nowMs);
    } catch (error) {
      // A consumer took the run between the send and this mark: it is running, which is fine.
      if (error instanceof IllegalTransitionError) return error.run;
      throw error;
    }
  }
}

/** Buffers runs, messages and queued-marks so that every batch but the last of each is full. */
class SlotPipeline {
  private readonly options: ExpanderOptions;
  private readonly slot: Slot;
  private readonly nowMs: number;
  private readonly roundSize: number;
  private toCreate: Run[] = [];
  private readonly toSend = new Map<Priority, Run[]>(PRIORITIES.map((priority) => [priority, []]));
  private toQueue: string[] = [];
  private due = 0;
  private created = 0;
  private existing = 0;
  private sent = 0;
  private queued = 0;
  private readonly unsent: string[] = [];
  private lastError = '';

  constructor(options: ExpanderOptions, slot: Slot, nowMs: number) {
    this.options = options;
    this.slot = slot;
    this.nowMs = nowMs;
    this.roundSize = Math.max(
      TRANSACTION_LIMIT,
      Math.floor((options.roundSize ?? 2_000) / TRANSACTION_LIMIT) * TRANSACTION_LIMIT,
    );
  }

  async add(definitions: readonly Definition[]): Promise<void> {
    this.due += definitions.length;
    for (const definition of definitions) {
      this.toCreate.push(this.options.runs.newRun({ definition, slot: this.slot }, this.nowMs));
    }
    if (this.toCreate.length >= this.roundSize) await this.flush(false);
  }

  async finish(): Promise<SlotReport> {
    await this.flush(true);
    return {
      slot: this.slot,
      due: this.due,
      created: this.created,
      existing: this.existing,
      sent: this.sent,
      queued: this.queued,
      unsent: this.unsent.length,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  private async flush(final: boolean): Promise<void> {
    const take = <T>(items: T[], size: number): [T[], T[]] => {
      const count = final ? items.length : Math.floor(items.length / size) * size;
      return [items.slice(0, count), items.slice(count)];
    };

    const [creating, keepCreating] = take(this.toCreate, TRANSACTION_LIMIT);
    this.toCreate = keepCreating;
    if (creating.length > 0) {
      const { created, existing } = await createRunsOnce(this.options.batches, creating);
      this.created += created.length;
      this.existing += existing.length;
      for (const run of [...created, ...existing.filter((run) => run.status === 'PENDING')]) {
        this.toSend.get(run.priority)?.push(run);
      }
    }

    const sending: Run[] = [];
    for (const priority of PRIORITIES) {
      const [now, later] = take(this.toSend.get(priority) ?? [], SQS_BATCH_LIMIT);
      this.toSend.set(priority, later);
      sending.push(...now);
    }
    if (sending.length > 0) {
      const outcome = await this.options.queue.send(sending, this.options.sendConcurrency ?? 16);
      this.sent += outcome.sent.length;
      this.unsent.push(...outcome.unsent);
      if (outcome.lastError) this.lastError = outcome.lastError;
      this.toQueue.push(...outcome.sent);
    }

    const [queueing, keepQueueing] = take(this.toQueue, TRANSACTION_LIMIT);
    this.toQueue = keepQueueing;
    if (queueing.length > 0) {
      this.queued += (await markRunsQueued(this.options.batches, queueing, this.nowMs)).length;
    }
  }
}
