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
