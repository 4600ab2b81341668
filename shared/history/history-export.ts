/**
 * Export of the de-duplicated snapshot history to one file (CSV, JSON lines or Parquet). DuckDB
 * streams the rows from the Parquet files to the output (COPY), so memory stays bounded by its
 * own limit, not by the number of rows. Only the partitions of the requested days are read.
 *
 * Window: snapshots whose slot (the hour the run was for) is in [since, until).
 */
import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ExportTargetExistsError, HistoryQueryError } from './history-error.ts';
import {
  type ExportFormat,
  exportSelectOf,
  type ExportRequest,
  parseExportRequest,
} from './export-window.ts';
import { openHistoryReader } from './history-reader.ts';
import { sqlString } from './sql-text.ts';

export interface ExportResult {
  readonly rows: number;
  readonly file: string;
}

/** DuckDB's memory limit during an export (its own buffers; Node and the binary come on top). */
export const EXPORT_MEMORY_LIMIT = '256MB';

/**
 * Rows per row group of a Parquet export. DuckDB's default (122,880) buffers that many rows of
 * every column before writing: 200,000 rows exported at 454 MiB peak RSS, at 349 MiB with 16,384
 * (bench:history's history, measured 2026-12-06), and faster. Rows are sorted by item, so a
 * reader still skips the groups of other items.
 */
export const EXPORT_ROW_GROUP_ROWS = 16_384;

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  jsonl: 'FORMAT json',
  parquet: `FORMAT parquet, ROW_GROUP_SIZE ${EXPORT_ROW_GROUP_ROWS}`,
};

/** How far an export is: DuckDB's count of the source rows read so far, of those it will read. */
export interface ExportProgress {
  readonly rowsRead: number;
  readonly rowsToRead: number;
  readonly percentage: number;
}

export interface ExportOptions {
  /** Called about every `progressEveryMs` while DuckDB copies (a TTY's progress bar). */
  readonly onProgress?: (progress: ExportProgress) => void;
  readonly progressEveryMs?: number;
}

/** Writes the window to `out` (a temporary name first, renamed when complete). */
export async function exportHistory(
  root: string,
  request: ExportRequest,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const parsed = parseExportRequest(request);
  const file = path.resolve(parsed.out);
  if (await exists(file)) throw new ExportTargetExistsError(file);
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.partial`);
  const reader = await openHistoryReader(root);
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    // DuckDB's memory stays under this limit whatever the row count: the de-duplication and the
    // sort spill to a temporary folder beside the output instead of growing.
    await reader.connection.run(`SET memory_limit = ${sqlString(EXPORT_MEMORY_LIMIT)}`);
    await reader.connection.run(`SET temp_directory = ${sqlString(`${partial}.spill`)}`);
    await reader.connection.run(`SET preserve_insertion_order = false`);
    // One thread: fewer buffers share the limit; measured faster too on this (busy, 2-core) machine.
    await reader.connection.run(`SET threads = 1`);
    const { onProgress } = options;
    if (onProgress) {
      // DuckDB tracks a query's progress only with its progress bar on; it prints nothing here.
      await reader.connection.run(`SET enable_progress_bar = true`);
      await reader.connection.run(`SET enable_progress_bar_print = false`);
    }
    const connection = reader.connection;
    ticker = onProgress
      ? setInterval(() => {
          const progress = connection.progress;
          if (progress.percentage < 0) return; // not started, or nothing to track
          onProgress({
            rowsRead: Number(progress.rows_processed),
            rowsToRead: Number(progress.total_rows_to_process),
            percentage: progress.percentage,
          });
        }, options.progressEveryMs ?? 250)
      : undefined;
    const result = await reader.connection
      .runAndReadAll(
        `COPY (${exportSelectOf(parsed)}) TO ${sqlString(partial)} (${COPY_OPTIONS[parsed.format]})`,
      )
      .catch((error: unknown) => {
        throw new HistoryQueryError((error as Error).message, { cause: error });
      });
    await rename(partial, file);
    return { rows: Number(result.rowsChanged), file };
  } finally {
    clearInterval(ticker);
    reader.close();
    await rm(partial, { force: true });
    await rm(`${partial}.spill`, { recursive: true, force: true });
  }
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
