/**
 * One batch of a table's stream (items → snapshots, changes → changes) into the history: the deployed history function's whole job
 * (functions/history/handler.ts is its Lambda glue). Records are taken in stream order up to the
 * first one that cannot be written (a snapshot whose partition value is refused); those before
 * it are written, and the outcome names the first record not written, so the event source
 * mapping retries from there (bisecting, then describing it on the failure queue) and never
 * skips a record silently. A failed write names the batch's first record: all of it is retried,
 * and the copies it may already have written are absorbed by de-duplication on read.
 */
import type { HistoryDestination } from './history-destination.ts';
import { StreamRecordWithoutSequenceError } from './history-error.ts';
import { type HistoryTable, partitionValuesOf } from './history-table.ts';
import { writeHistory, type WriteHistoryOptions, type WrittenHistory } from './parquet-writer.ts';
import { SNAPSHOT_HISTORY } from './snapshot-history.ts';
import { type ItemStreamRecord, rowsOfStreamRecords } from './stream-records.ts';

/** A stream record with its place in the shard (Lambda's `DynamoDBRecord` fits). */
export interface SequencedStreamRecord extends ItemStreamRecord {
  readonly eventID?: string | undefined;
  readonly dynamodb?:
    | (NonNullable<ItemStreamRecord['dynamodb']> & { readonly SequenceNumber?: string | undefined })
    | undefined;
}

export interface StreamBatchOutcome {
  readonly written: WrittenHistory;
  /** Stream records that carried no snapshot (removals by TTL). */
  readonly skipped: number;
  /** The first record not written, when any was not: the mapping retries from it. */
  readonly failure?: { readonly sequenceNumber: string; readonly error: unknown };
}

export interface StreamBatchOptions extends WriteHistoryOptions {
  /** The history table the records are rows of (HISTORY_STREAMS); default: the snapshots. */
  readonly table?: HistoryTable<never>;
}

export async function writeStreamBatch(
  records: readonly SequencedStreamRecord[],
  destination: HistoryDestination,
  options: StreamBatchOptions = {},
): Promise<StreamBatchOutcome> {
  const { table = SNAPSHOT_HISTORY, ...writeOptions } = options;
  const rows: never[] = [];
  let skipped = 0;
  let refused: StreamBatchOutcome['failure'];
  for (const record of records) {
    const [row] = rowsOfStreamRecords<never>([record]);
    if (row === undefined) {
      skipped += 1;
      continue;
    }
    try {
      partitionValuesOf(table, row);
    } catch (error) {
      refused = { sequenceNumber: sequenceNumberOf(record), error };
      break;
    }
    rows.push(row);
  }
  let written: WrittenHistory;
  try {
    written = await writeHistory(table, rows, destination, writeOptions);
  } catch (error) {
    const first = records[0];
    if (!first) throw error;
    return {
      written: { rows: 0, files: [] },
      skipped,
      failure: { sequenceNumber: sequenceNumberOf(first), error },
    };
  }
  return { written, skipped, ...(refused ? { failure: refused } : {}) };
}

function sequenceNumberOf(record: SequencedStreamRecord): string {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  // Lambda always sends one; without it the mapping could not retry from the record.
  if (!sequenceNumber) throw new StreamRecordWithoutSequenceError(record.eventID);
  return sequenceNumber;
}
