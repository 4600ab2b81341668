/**
 * Definitions in DynamoDB, with the due index that makes a slot's cost proportional to what is
 * due in it:
 *
 *   definitions  definitionId                       → the definition (version for optimistic locking)
 *   dueIndex     dueKey + definitionId              → a snapshot of each *enabled* definition under
 *                                                      its schedule key (every#<zone>#<N>#<phase>,
 *                                                      or once#<slot>)
 *   control      pk=schedule-keys, sk=every         → the set of every#… keys in use
 *
 * A definition and its index entry change together in one transaction, conditional on the
 * version read, so the index never disagrees with the definitions. To find what is due in a
 * slot: one GetItem for the keys in use, keep the keys due in the slot (pure code), then one
 * Query per due key plus one for once#<slot>, paginated.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import {
  type ScheduleKey,
  scheduleKeyOf,
  scheduleKeysDueIn,
  type Slot,
  slotStartMs,
} from '../schedule/index.ts';
import { type Definition, type DefinitionFields, parseDefinitionInput } from './definition.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';

export class DefinitionNotFoundError extends ShelfwatchError {
  readonly definitionId: string;
  constructor(definitionId: string) {
    super('not-found', 'DEFINITION_NOT_FOUND', `definition ${definitionId} does not exist`);
    this.definitionId = definitionId;
  }
}

export class DefinitionExistsError extends ShelfwatchError {
  readonly definitionId: string;
  constructor(definitionId: string) {
    super(
      'conflict',
      'DEFINITION_EXISTS',
      `definition ${definitionId} already exists: update it, or choose another id`,
    );
    this.definitionId = definitionId;
  }
}

/** Someone else changed the definition since it was read; nothing was written. Read it again. */
export class DefinitionConflictError extends ShelfwatchError {
  readonly definitionId: string;
  constructor(definitionId: string) {
    super(
      'conflict',
      'DEFINITION_CONFLICT',
      `definition ${definitionId} was changed concurrently: read it again and retry`,
    );
    this.definitionId = definitionId;
  }
}

export interface DefinitionStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tables: { readonly definitions: string; readonly dueIndex: string; readonly control: string };
}

export interface DueEntry {
  readonly dueKey: string;
  readonly definitionId: string;
  readonly definition: Definition;
  readonly expiresAt?: number;
}

export interface DefinitionFilter {
  readonly platform?: string;
  readonly crawlType?: string;
  readonly enabled?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

const SCHEDULE_KEYS = { pk: 'schedule-keys', sk: 'every' } as const;
/** Once-entries stay a week after their slot, then TTL removes them. */
const ONCE_ENTRY_RETENTION_SECONDS = 7 * 86_400;

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export class DefinitionStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tables: DefinitionStoreOptions['tables'];

  constructor(options: DefinitionStoreOptions) {
    this.documents = options.documents;
    this.tables = options.tables;
  }

  /** Validates and stores a new definition. Throws ValidationError (nothing stored) or DefinitionExistsError. */
  async create(input: unknown, nowMs: number): Promise<Definition> {
    const fields = parseDefinitionInput(input);
    const definition: Definition = { ...fields, createdAt: iso(nowMs), updatedAt: iso(nowMs), version: 1 };
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.tables.definitions,
          Item: { definitionId: definition.id, ...definition },
          ConditionExpression: 'attribute_not_exists(definitionId)',
        },
      },
      ...this.indexWrites(undefined, definition),
    ];
    await this.recordScheduleKey(definition);
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new DefinitionExistsError(definition.id);
      throw error;
    }
    return definition;
  }

  async get(definitionId: string): Promise<Definition | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tables.definitions, Key: { definitionId }, ConsistentRead: true }),
    );
    return Item ? fromStored(Item) : undefined;
  }

  async require(definitionId: string): Promise<Definition> {
    const definition = await this.get(definitionId);
    if (!definition) throw new DefinitionNotFoundError(definitionId);
    return definition;
  }

  /**
   * Applies a partial change (top-level fields; `schedule` and `params` are replaced whole) and
   * validates the result. `expectedVersion`, when given, must match the stored version.
   */
  async update(
    definitionId: string,
    patch: unknown,
    nowMs: number,
    expectedVersion?: number,
  ): Promise<Definition> {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new ValidationError('definition change', [{ field: '(root)', message: 'must be an object' }]);
    }
    if ('id' in patch && patch.id !== definitionId) {
      throw new ValidationError('definition change', [{ field: 'id', message: 'cannot be changed' }]);
    }
    const current = await this.require(definitionId);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new DefinitionConflictError(definitionId);
    }
    const { createdAt, updatedAt: _updatedAt, version, lastSucceededAt, ...fields } = current;
    const merged: DefinitionFields = parseDefinitionInput(
      withoutClearedFields({ ...fields, ...patch, id: definitionId }),
    );
    const next: Definition = {
      ...merged,
      createdAt,
      updatedAt: iso(nowMs),
      version: version + 1,
      ...(lastSucceededAt ? { lastSucceededAt } : {}),
    };
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.tables.definitions,
          Item: { definitionId: next.id, ...next },
          // lastSucceededAt is written without a version bump: a success landing meanwhile must not be lost.
          ConditionExpression: lastSucceededAt
            ? 'version = :version AND lastSucceededAt = :last'
            : 'version = :version AND attribute_not_exists(lastSucceededAt)',
          ExpressionAttributeValues: {
            ':version': version,
            ...(lastSucceededAt ? { ':last': lastSucceededAt } : {}),
          },
        },
      },
      ...this.indexWrites(current, next),
    ];
    await this.recordScheduleKey(next);
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new DefinitionConflictError(definitionId);
      throw error;
    }
    return next;
  }

  setEnabled(definitionId: string, enabled: boolean, nowMs: number): Promise<Definition> {
    return this.update(definitionId, { enabled }, nowMs);
  }

  async delete(definitionId: string): Promise<void> {
    const current = await this.require(definitionId);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Delete: {
          TableName: this.tables.definitions,
          Key: { definitionId },
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
    ];
    if (current.enabled) {
      items.push({
        Delete: {
          TableName: this.tables.dueIndex,
          Key: { dueKey: scheduleKeyOf(current.schedule), definitionId },
        },
      });
    }
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new DefinitionConflictError(definitionId);
      throw error;
    }
  }

  /** Records a successful run: see `recordDefinitionSuccess`. */
  async recordSuccess(definitionId: string, atMs: number): Promise<void> {
    await recordDefinitionSuccess(this.documents, this.tables.definitions, definitionId, atMs);
  }

  /** Every definition, a page at a time (the monitor's hourly staleness pass). */
  async *all(): AsyncGenerator<Definition[]> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      if (page.definitions.length > 0) yield page.definitions;
      cursor = page.cursor;
    } while (cursor);
  }

  /** A page of definitions (an operator's listing: scans the table, filtered). */
  async list(filter: DefinitionFilter = {}): Promise<{ definitions: Definition[]; cursor?: string }> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const key of ['platform', 'crawlType', 'enabled'] as const) {
      if (filter[key] === undefined) continue;
      conditions.push(`#${key} = :${key}`);
      names[`#${key}`] = key;
      values[`:${key}`] = filter[key];
    }
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tables.definitions,
        Limit: pageLimit(filter.limit, 100),
        ...(conditions.length > 0
          ? {
              FilterExpression: conditions.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }
          : {}),
        ...(filter.cursor ? { ExclusiveStartKey: decodeCursor(filter.cursor, ['definitionId']) } : {}),
      }),
    );
    const definitions = Items.map(fromStored);
    return LastEvaluatedKey ? { definitions, cursor: encodeCursor(LastEvaluatedKey) } : { definitions };
  }

  /** The every#… schedule keys in use. */
  async scheduleKeys(): Promise<ScheduleKey[]> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tables.control, Key: SCHEDULE_KEYS, ConsistentRead: true }),
    );
    const keys = (Item?.keys as Set<string> | undefined) ?? new Set<string>();
    return [...keys].sort();
  }

  /** Schedule keys due in a slot: the every#… keys in use that are due, plus once#<slot>. */
  async dueKeys(slot: Slot): Promise<ScheduleKey[]> {
    slotStartMs(slot); // validates the slot
    return [...scheduleKeysDueIn(slot, await this.scheduleKeys()), `once#${slot}`];
  }

  /** Every enabled definition due in the slot, a page (≤ 1 MB) at a time, key by key. */
  async *dueIn(slot: Slot, keys?: readonly ScheduleKey[]): AsyncGenerator<DueEntry[]> {
    for (const dueKey of keys ?? (await this.dueKeys(slot))) yield* this.entriesOf(dueKey);
  }

  async *entriesOf(dueKey: ScheduleKey): AsyncGenerator<DueEntry[]> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.tables.dueIndex,
          KeyConditionExpression: 'dueKey = :dueKey',
          ExpressionAttributeValues: { ':dueKey': dueKey },
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      if (Items.length > 0) yield Items as DueEntry[];
      cursor = LastEvaluatedKey;
    } while (cursor);
  }

  /**
   * Records a schedule key as in use. Done before (not inside) the definition's transaction:
   * every definition write would otherwise touch this one item, and concurrent transactions on
   * one item cancel each other. A key left over by a failed transaction costs an empty Query.
   */
  private async recordScheduleKey(definition: Definition): Promise<void> {
    if (!definition.enabled || definition.schedule.kind !== 'every') return;
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tables.control,
        Key: SCHEDULE_KEYS,
        UpdateExpression: 'ADD #keys :key',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':key': new Set([scheduleKeyOf(definition.schedule)]) },
      }),
    );
  }

  private indexWrites(
    previous: Definition | undefined,
    next: Definition,
  ): NonNullable<TransactWriteCommandInput['TransactItems']> {
    const writes: NonNullable<TransactWriteCommandInput['TransactItems']> = [];
    const previousKey = previous?.enabled ? scheduleKeyOf(previous.schedule) : undefined;
    const nextKey = next.enabled ? scheduleKeyOf(next.schedule) : undefined;
    if (previousKey && previousKey !== nextKey) {
      writes.push({
        Delete: { TableName: this.tables.dueIndex, Key: { dueKey: previousKey, definitionId: next.id } },
      });
    }
    if (nextKey) {
      const entry: DueEntry = {
        dueKey: nextKey,
        definitionId: next.id,
        definition: next,
        ...(next.schedule.kind === 'once'
          ? { expiresAt: Math.floor(Date.parse(next.schedule.at) / 1000) + ONCE_ENTRY_RETENTION_SECONDS }
          : {}),
      };
      writes.push({ Put: { TableName: this.tables.dueIndex, Item: entry } });
    }
    return writes;
  }
}

function fromStored(item: Record<string, unknown>): Definition {
  const { definitionId: _definitionId, ...rest } = item;
  return rest as unknown as Definition;
}

/** The definition's own item failed its condition, or another write to it raced this one. */
function isConditionFailure(error: unknown, index: number): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
  return codes[index] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict');
}

/**
 * Records a successful run on its definition (consumers call this after completing one). Only
 * moves forward; does not change the version (it is not an edit). A deleted definition is
 * ignored. Needs only the definitions table, so the scraper is granted nothing more.
 */
export async function recordDefinitionSuccess(
  documents: DynamoDBDocumentClient,
  definitionsTable: string,
  definitionId: string,
  atMs: number,
): Promise<void> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: definitionsTable,
        Key: { definitionId },
        UpdateExpression: 'SET lastSucceededAt = :at',
        ConditionExpression:
          'attribute_exists(definitionId) AND (attribute_not_exists(lastSucceededAt) OR lastSucceededAt < :at)',
        ExpressionAttributeValues: { ':at': new Date(atMs).toISOString() },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Optional fields without a default that a change may remove by setting them to null. */
const CLEARABLE_FIELDS = ['fetchMode'] as const;

/** A null in a change to a clearable field removes it (a fetch mode of null: the extractor's again). */
function withoutClearedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const kept = { ...fields };
  for (const field of CLEARABLE_FIELDS) if (kept[field] === null) delete kept[field];
  return kept;
}
