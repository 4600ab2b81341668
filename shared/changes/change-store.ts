/**
 * Item states and changes in DynamoDB. Saving a page's snapshots records each change once:
 *
 *   read states (BatchGetItem, consistent) ─▶ detect ─▶ per item with something to write:
 *     TransactWriteItems [ state  if version = v (or absent),
 *                          change if absent, … ]           ─▶ recorded
 *     state condition lost (a racing saver moved it)        ─▶ re-read, detect again
 *     a change already there (this snapshot was applied)    ─▶ duplicate, nothing written
 *   listing changes (entered, rank moved, left): PutItem if absent, each on its own
 *
 * An item whose values did not move is not written (the snapshot in the items table is its
 * history), except to push its expiry out once half the retention has passed.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { chunk, mapWithConcurrency, sleep } from '../concurrency/index.ts';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import { type ItemSnapshot, itemKeyOf } from '../results/index.ts';
import type { Change } from './change.ts';
import { ItemChangeReader } from './item-changes.ts';
import { type ChangeFeedPage, type ChangeFeedQuery, readChangeFeed } from './change-feed.ts';
import {
  detectItemChanges,
  detectListingChanges,
  detectListingExits,
  type ListingContext,
  type ListingRead,
} from './detect-changes.ts';
import {
  hasTrackedDifference,
  isAppliedOrStale,
  type ItemState,
  needsRefresh,
  nextStateOf,
} from './item-state.ts';

const BATCH_GET_SIZE = 100;
const MAX_ROUNDS = 8;
/** Items of one page written at once when they are written one by one (after a cancelled page write). */
const WRITE_CONCURRENCY = 8;
/** DynamoDB's limit of actions in one TransactWriteItems. */
const MAX_TRANSACTION_ACTIONS = 100;
/** Racing savers of one item: beyond this many lost conditions, something is wrong. */
const MAX_ATTEMPTS = 6;

/** What saving one snapshot writes: its item's next state (at the version read) and its changes. */
interface StateWrite {
  readonly previous: ItemState | undefined;
  readonly next: ItemState;
  readonly changes: readonly Change[];
}

/** One item of a page: the state it was decided against, and what it writes. */
interface PageEntry {
  readonly snapshot: ItemSnapshot;
  readonly known: ItemState | undefined;
  readonly write: StateWrite | undefined;
  readonly listing: readonly Change[];
  readonly actions: number;
}

/** Consecutive entries in groups of at most MAX_TRANSACTION_ACTIONS actions. */
function transactionGroups(entries: readonly PageEntry[]): PageEntry[][] {
  const groups: PageEntry[][] = [];
  let current: PageEntry[] = [];
  let actions = 0;
  for (const entry of entries) {
    if (actions + entry.actions > MAX_TRANSACTION_ACTIONS && current.length > 0) {
      groups.push(current);
      current = [];
      actions = 0;
    }
    current.push(entry);
    actions += entry.actions;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface ChangeStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly statesTable: string;
  readonly changesTable: string;
  readonly retentionDays: number;
}

/** A change as stored: with its expiry and the day it belongs to (the `byDay` index). */
export interface ChangeRecord extends Change {
  readonly detectedDay: string;
  readonly expiresAt: number;
}

/** What saving snapshots did; races lost and snapshots already applied are outcomes, not errors. */
export interface RecordOutcome {
  /** Changes written by this call (each change is written by exactly one call). */
  readonly recorded: readonly Change[];
  /** Changes that another save of the same snapshot had already written. */
  readonly duplicates: number;
  readonly statesWritten: number;
  /** Times a racing saver moved a state first (this call then decided again). */
  readonly racesLost: number;
}

export class ChangesNotRecordedError extends ShelfwatchError {
  constructor(what: string) {
    super('unavailable', 'CHANGES_NOT_RECORDED', `${what}: retry the page later`);
  }
}

const emptyOutcome = (): {
  recorded: Change[];
  duplicates: number;
  statesWritten: number;
  racesLost: number;
} => ({
  recorded: [],
  duplicates: 0,
  statesWritten: 0,
  racesLost: 0,
});

export class ChangeStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly statesTable: string;
  private readonly changesTable: string;
  private readonly retentionDays: number;

  constructor(options: ChangeStoreOptions) {
    this.documents = options.documents;
    this.statesTable = options.statesTable;
    this.changesTable = options.changesTable;
    this.retentionDays = options.retentionDays;
  }

  /**
   * Compares each snapshot with its item's state and records what changed, each change once
   * however often (and however concurrently) the same snapshots are saved. `listing` is the
   * baseline of the run's listing (search, category, best sellers); none for detail pages. It may
   * still be loading: the states are read meanwhile.
   */
  async record(
    snapshots: readonly ItemSnapshot[],
    options: { nowMs: number; listing?: ListingContext | Promise<ListingContext | undefined> },
  ): Promise<RecordOutcome> {
    const distinct = [...new Map(snapshots.map((snapshot) => [snapshot.itemKey, snapshot])).values()];
    const [states, context] = await Promise.all([
      this.readStates(distinct.map((snapshot) => snapshot.itemKey)),
      options.listing,
    ]);
    const outcome = emptyOutcome();
    const entries = distinct.map((snapshot): PageEntry => {
      const known = states.get(snapshot.itemKey);
      const write = this.writeOf(known, snapshot, options.nowMs);
      const listing = context ? detectListingChanges(context, snapshot) : [];
      return {
        snapshot,
        known,
        write,
        listing,
        actions: (write ? 1 + write.changes.length : 0) + listing.length,
      };
    });
    // The page's decisions in as few transactions as they fit in (usually one). A cancelled one (a
    // race with another saver, a retried page meeting its own changes, a conflict) writes nothing:
    // its items are then decided again one by one, each against its state read afresh.
    for (const group of transactionGroups(entries.filter((entry) => entry.actions > 0))) {
      if (group.length > 1 && (await this.writeTogether(group))) {
        for (const { write, listing } of group) {
          if (write) {
            outcome.statesWritten += 1;
            outcome.recorded.push(...write.changes);
          }
          outcome.recorded.push(...listing);
        }
        continue;
      }
      await mapWithConcurrency(group, WRITE_CONCURRENCY, async (entry) => {
        await this.applyToState(entry.snapshot, entry.known, options.nowMs, outcome);
        await this.putChanges(entry.listing, outcome);
      });
    }
    return outcome;
  }

  /** What saving a snapshot over a state writes: nothing when the state already tells its story. */
  private writeOf(
    previous: ItemState | undefined,
    snapshot: ItemSnapshot,
    nowMs: number,
  ): StateWrite | undefined {
    if (previous && isAppliedOrStale(previous, snapshot)) return undefined;
    const changes = detectItemChanges(previous, snapshot);
    const next = nextStateOf(previous, snapshot, this.retentionDays);
    const mustWrite =
      !previous ||
      changes.length > 0 ||
      hasTrackedDifference(previous, next) ||
      needsRefresh(previous, nowMs, this.retentionDays);
    return mustWrite ? { previous, next, changes } : undefined;
  }

  /** One transaction for several items' writes; false (nothing written) when DynamoDB cancels it. */
  private async writeTogether(group: readonly PageEntry[]): Promise<boolean> {
    return await this.transact(
      group.flatMap(({ write, listing }) => [
        ...(write
          ? [{ Put: this.statePutOf(write.previous, write.next) }, ...this.changePutsOf(write.changes)]
          : []),
        ...this.changePutsOf(listing),
      ]),
    );
  }

  /** One TransactWriteItems; false (nothing written) when DynamoDB cancels it. */
  private async transact(actions: TransactWriteCommandInput['TransactItems']): Promise<boolean> {
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  private statePutOf(previous: ItemState | undefined, next: ItemState) {
    return {
      TableName: this.statesTable,
      Item: next,
      ...(previous
        ? {
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': previous.version },
          }
        : { ConditionExpression: 'attribute_not_exists(itemKey)' }),
    };
  }

  private changePutsOf(changes: readonly Change[]) {
    return changes.map((change) => ({
      Put: {
        TableName: this.changesTable,
        Item: this.recordOf(change),
        ConditionExpression: 'attribute_not_exists(changeId)',
      },
    }));
  }

  /**
   * Records the items of the listing's baseline that a run did not find. Call it once the run
   * read its listing; a partial read records nothing (see detectListingExits).
   */
  async recordExits(listing: ListingContext, read: ListingRead): Promise<RecordOutcome> {
    const outcome = emptyOutcome();
    const exits = detectListingExits(listing, read);
    // In transactions of 100 (usually one); a cancelled one (an exit already recorded by an
    // earlier attempt) writes nothing, and its exits are then written one by one, if absent.
    for (const group of chunk(exits, MAX_TRANSACTION_ACTIONS)) {
      if (group.length > 1 && (await this.transact(this.changePutsOf(group)))) {
        outcome.recorded.push(...group);
      } else {
        await this.putChanges(group, outcome);
      }
    }
    return outcome;
  }

  /** The latest observed state of one item, if it was seen within the retention. */
  async state(platform: string, marketplace: string, itemId: string): Promise<ItemState | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.statesTable,
        Key: { itemKey: itemKeyOf(platform, marketplace, itemId) },
      }),
    );
    return Item as ItemState | undefined;
  }

  /** One item's changes in a time range (by slot), oldest first: one Query. */
  async changesOf(
    platform: string,
    marketplace: string,
    itemId: string,
    range: { fromSlot: string; toSlot: string; limit?: number; cursor?: string },
  ): Promise<{ changes: ChangeRecord[]; cursor?: string }> {
    if (range.toSlot < range.fromSlot) {
      throw new ValidationError('change range', [
        { field: 'toSlot', message: 'must not be before fromSlot' },
      ]);
    }
    return new ItemChangeReader({ documents: this.documents, changesTable: this.changesTable }).oldestFirst(
      { platform, marketplace, itemId },
      range,
    );
  }

  /** Changes across items, newest first: of one definition, or of everyone within a few days. */
  listChanges(query: ChangeFeedQuery): Promise<ChangeFeedPage> {
    return readChangeFeed(this.documents, this.changesTable, query);
  }

  private async applyToState(
    snapshot: ItemSnapshot,
    known: ItemState | undefined,
    nowMs: number,
    outcome: ReturnType<typeof emptyOutcome>,
  ): Promise<void> {
    let previous = known;
    for (let attempt = 1; ; attempt += 1) {
      const write = this.writeOf(previous, snapshot, nowMs);
      if (!write) return;
      const { next, changes } = write;
      const result = await this.writeState(previous, next, changes);
      if (result === 'written') {
        outcome.statesWritten += 1;
        outcome.recorded.push(...changes);
        return;
      }
      if (result === 'duplicate') {
        outcome.duplicates += changes.length;
        return;
      }
      outcome.racesLost += 1;
      if (attempt === MAX_ATTEMPTS) {
        throw new ChangesNotRecordedError(
          `the state of ${snapshot.itemKey} kept moving under ${attempt} attempts`,
        );
      }
      previous = await this.readState(snapshot.itemKey);
    }
  }

  /** One transaction: the state if still at the version read, and its changes if absent. */
  private async writeState(
    previous: ItemState | undefined,
    next: ItemState,
    changes: readonly Change[],
  ): Promise<'written' | 'race-lost' | 'duplicate'> {
    const statePut = this.statePutOf(previous, next);
    try {
      if (changes.length === 0) {
        await this.documents.send(new PutCommand(statePut));
      } else {
        await this.documents.send(
          new TransactWriteCommand({ TransactItems: [{ Put: statePut }, ...this.changePutsOf(changes)] }),
        );
      }
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'race-lost';
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'race-lost';
        if (reasons.slice(1).some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'duplicate';
        // TransactionConflict (another transaction on the same item in flight): decide again.
        if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'race-lost';
      }
      throw error;
    }
  }

  /** Listing changes: each written if absent, on its own (they do not depend on the item's state). */
  private async putChanges(
    changes: readonly Change[],
    outcome: ReturnType<typeof emptyOutcome>,
  ): Promise<void> {
    await mapWithConcurrency(changes, WRITE_CONCURRENCY, async (change) => {
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.changesTable,
            Item: this.recordOf(change),
            ConditionExpression: 'attribute_not_exists(changeId)',
          }),
        );
        outcome.recorded.push(change);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        outcome.duplicates += 1;
      }
    });
  }

  private recordOf(change: Change): ChangeRecord {
    return {
      ...change,
      detectedDay: change.detectedAt.slice(0, 10),
      expiresAt: Math.floor(Date.parse(change.detectedAt) / 1000) + this.retentionDays * 86_400,
    };
  }

  /** The latest states of many items (BatchGetItem of 100, consistent), by item key; unseen items are absent. */
  async statesOf(itemKeys: readonly string[]): Promise<Map<string, ItemState>> {
    return await this.readStates([...new Set(itemKeys)]);
  }

  private async readState(itemKey: string): Promise<ItemState | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.statesTable, Key: { itemKey }, ConsistentRead: true }),
    );
    return Item as ItemState | undefined;
  }

  /** States of many items: BatchGetItem of 100, consistent, unprocessed keys retried with backoff. */
  private async readStates(itemKeys: readonly string[]): Promise<Map<string, ItemState>> {
    const states = new Map<string, ItemState>();
    await Promise.all(
      chunk(itemKeys, BATCH_GET_SIZE).map(async (keys) => {
        let pending: Record<string, unknown>[] = keys.map((itemKey) => ({ itemKey }));
        for (let round = 0; pending.length > 0; round += 1) {
          if (round === MAX_ROUNDS) {
            throw new ChangesNotRecordedError(`${pending.length} item states could not be read`);
          }
          if (round > 0) await sleep(Math.min(2_000, 50 * 2 ** round * (0.5 + Math.random() / 2)));
          const { Responses, UnprocessedKeys } = await this.documents.send(
            new BatchGetCommand({
              RequestItems: { [this.statesTable]: { Keys: pending, ConsistentRead: true } },
            }),
          );
          for (const state of (Responses?.[this.statesTable] ?? []) as ItemState[]) {
            states.set(state.itemKey, state);
          }
          pending = (UnprocessedKeys?.[this.statesTable]?.Keys ?? []) as Record<string, unknown>[];
        }
      }),
    );
    return states;
  }
}
