/**
 * `shelfwatch query "SQL"` and `shelfwatch export`: the Parquet history on this machine, read
 * with DuckDB (views `snapshots`, one row per item and run, and `snapshots_raw`, every copy).
 * No API and no token: the files are read directly.
 */
import type { Command } from 'commander';
import { contextOf, wholeNumber } from '../context.ts';
import { CliError } from '../exit-codes.ts';
import { ShelfwatchError, ValidationError } from '../../shared/errors/index.ts';

export const HISTORY_FOLDER_VARIABLE = 'SHELFWATCH_HISTORY_DIR';
/** `npm start`'s default data folder, plus `history`. */
export const DEFAULT_HISTORY_FOLDER = '.shelfwatch/data/history';

const historyOption = `history folder (or ${HISTORY_FOLDER_VARIABLE}; default ${DEFAULT_HISTORY_FOLDER})`;
const historyFolderOf = (options: { history?: string }): string =>
  options.history ?? process.env[HISTORY_FOLDER_VARIABLE] ?? DEFAULT_HISTORY_FOLDER;

/** A product error as the CLI reports it; a field of the request is named as its flag. */
function asCliError(error: unknown): unknown {
  if (error instanceof ValidationError) {
    const issues = error.issues.map((issue) => ({ ...issue, field: `--${issue.field}` }));
    return new CliError(
      'invalid',
      error.code,
      issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      issues,
    );
  }
  if (error instanceof ShelfwatchError) return new CliError(error.kind, error.code, error.message);
  return error;
}

export function addHistoryCommands(program: Command): void {
  program
    .command('query')
    .description('Run SQL over the local Parquet history (DuckDB): tables snapshots and snapshots_raw')
    .argument('<sql>', 'one SQL statement, e.g. "SELECT dt, min(price) FROM snapshots GROUP BY dt"')
    .option('--history <folder>', historyOption)
    .option(
      '--max-rows <n>',
      'rows printed at most (1-100000, default 1000)',
      wholeNumber('--max-rows', 1, 100_000),
    )
    .action(async (sql: string, options: { history?: string; maxRows?: number }, command: Command) => {
      const { output } = contextOf(command);
      const { queryHistory } = await import('../../shared/history/index.ts');
      const result = await queryHistory(historyFolderOf(options), sql, options.maxRows ?? 1_000).catch(
        (error) => {
          throw asCliError(error);
        },
      );
      output.result(result, () => {
        output.table(
          result.columns,
          result.rows.map((row) => result.columns.map((column) => cellOf(row[column]))),
          '(no rows)',
        );
        if (result.truncated)
          output.line(`(first ${result.rows.length} rows; shelfwatch export writes them all)`);
      });
    });

  program
    .command('export')
    .description('Write the de-duplicated snapshot history of a window to one file (streamed by DuckDB)')
    .requiredOption('--since <day-or-slot>', 'first slot: 2026-12-01 or 2026-12-01T19:00Z (inclusive)')
    .requiredOption('--until <day-or-slot>', 'end slot: 2026-12-08 or 2026-12-08T00:00Z (exclusive)')
    .option('--definition <id>', 'only this definition')
    .requiredOption('--format <format>', 'csv, jsonl or parquet')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .option('--history <folder>', historyOption)
    .action(async (options: ExportOptions, command: Command) => {
      const { output } = contextOf(command);
      const { exportHistory } = await import('../../shared/history/index.ts');
      const { history, ...request } = options;
      const result = await exportHistory(historyFolderOf({ history }), request).catch((error) => {
        throw asCliError(error);
      });
      output.result(result, () => output.line(`${result.rows} rows written to ${result.file}`));
    });
}

interface ExportOptions {
  readonly since: string;
  readonly until: string;
  readonly definition?: string;
  readonly format: 'csv' | 'jsonl' | 'parquet';
  readonly out: string;
  readonly history?: string;
}

const cellOf = (value: unknown): string | number | boolean | null =>
  value === null || value === undefined
    ? null
    : typeof value === 'object'
      ? JSON.stringify(value)
      : (value as string | number | boolean);
