import { ShelfwatchError } from '../errors/index.ts';

/** A row whose partition value cannot be a path segment (empty, or outside [A-Za-z0-9_-.]). */
export class HistoryPartitionValueError extends ShelfwatchError {
  readonly field: string;
  constructor(table: string, field: string, value: string) {
    super(
      'invalid',
      'HISTORY_PARTITION_VALUE',
      `${table}: partition key ${field} cannot be ${JSON.stringify(value)}: ` +
        'expected letters, digits, "-", "_" or "." (it becomes a folder name)',
    );
    this.field = field;
  }
}

/** DuckDB refused a query over the history (a syntax error, an unknown column...): its words, as given. */
export class HistoryQueryError extends ShelfwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid', 'HISTORY_QUERY_FAILED', `the history query failed: ${message}`, options);
  }
}

/** An export would overwrite a file that exists. */
export class ExportTargetExistsError extends ShelfwatchError {
  readonly field = 'out';
  constructor(file: string) {
    super('conflict', 'EXPORT_TARGET_EXISTS', `${file} exists: name a new file (exports never overwrite)`);
  }
}

/** A stream record without `dynamodb.SequenceNumber`: the event is not one Lambda's mapping sends. */
export class StreamRecordWithoutSequenceError extends ShelfwatchError {
  readonly field = 'dynamodb.SequenceNumber';
  constructor(eventId: string | undefined) {
    super(
      'invalid',
      'STREAM_RECORD_WITHOUT_SEQUENCE',
      `stream record ${eventId ?? '(no eventID)'} has no dynamodb.SequenceNumber: ` +
        'the history function takes DynamoDB stream events from its event source mapping only',
    );
  }
}

/** A stream event from a table that feeds no history table (a mapping added by mistake). */
export class UnknownHistoryStreamError extends ShelfwatchError {
  readonly field = 'Records.0.eventSourceARN';
  constructor(eventSourceArn: string | undefined) {
    super(
      'invalid',
      'UNKNOWN_HISTORY_STREAM',
      `stream ${eventSourceArn ?? '(no eventSourceARN)'} feeds no history table of this stage: ` +
        'the history function reads the items and changes tables only (shared/history/history-streams.ts)',
    );
  }
}

/** S3 refused to delete some of the files a compaction replaced (they stay; readers de-duplicate). */
export class HistoryFilesNotDeletedError extends ShelfwatchError {
  constructor(location: string, failed: number, of: number, first: string) {
    super(
      'unavailable',
      'HISTORY_FILES_NOT_DELETED',
      `${failed} of ${of} history files in ${location} were not deleted, first ${first}: ` +
        'their rows are also in the compacted file (readers de-duplicate); the next compaction retries',
    );
  }
}

/** Some partitions could not be compacted; the others were. Each keeps its files as they were. */
export class HistoryCompactionError extends ShelfwatchError {
  readonly partitions: readonly string[];
  constructor(partitions: readonly string[], options?: ErrorOptions) {
    super(
      'internal',
      'HISTORY_COMPACTION_FAILED',
      `${partitions.length} history partition(s) were not compacted, first ${partitions[0]}: ` +
        `${(options?.cause as Error | undefined)?.message ?? 'unknown cause'}. ` +
        'Their files are unchanged (nothing is deleted before its compacted file exists); the next run retries',
      options,
    );
    this.partitions = partitions;
  }
}

/** GET /exports/{id} of an id that is no export of this stage (or locally, where none waits). */
export class ExportNotFoundError extends ShelfwatchError {
  constructor(id: string, why = 'no export of this stage has this id') {
    super('not-found', 'EXPORT_NOT_FOUND', `export ${JSON.stringify(id.slice(0, 64))}: ${why}`);
  }
}
