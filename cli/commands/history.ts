/**
 * `shelfwatch query "SQL"` and `shelfwatch export`: the Parquet history on this machine, read
 * with DuckDB (views `snapshots`, one row per item and run, and `snapshots_raw`, every copy).
 * No API and no token: the files are read directly. `query --stage` asks the deployed history
 * instead: Athena, with AWS credentials from the SDK's default chain.
 */
import type { Command } from 'commander';
import { contextOf, wholeNumber } from '../context.ts';
import { CliError, usageError } from '../exit-codes.ts';
import type { Output } from '../output.ts';
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
    .description(
      'Run SQL over the Parquet history: local files with DuckDB, or with --stage the deployed one in Athena; tables snapshots, changes and their _raw forms (every row, not de-duplicated)',
    )
    .argument('<sql>', 'one SQL statement, e.g. "SELECT dt, min(price) FROM snapshots GROUP BY dt"')
    .option('--history <folder>', historyOption)
    .option('--stage <stage>', 'query the deployed history of this stage in Athena (AWS credentials needed)')
    .option(
      '--max-rows <n>',
      'rows printed at most (1-100000, default 1000)',
      wholeNumber('--max-rows', 1, 100_000),
    )
    .action(async (sql: string, options: QueryOptions, command: Command) => {
      const { output } = contextOf(command);
      if (options.stage !== undefined) return queryStage(sql, options, output);
      const { queryHistory } = await import('../../shared/history/history-query.ts');
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
    .description(
      'Write the de-duplicated snapshot (or change) history of a window to one file (streamed by DuckDB)',
    )
    .requiredOption('--since <day-or-slot>', 'first slot: 2026-12-01 or 2026-12-01T19:00Z (inclusive)')
    .requiredOption('--until <day-or-slot>', 'end slot: 2026-12-08 or 2026-12-08T00:00Z (exclusive)')
    .option('--definition <id>', 'only this definition')
    .option('--table <table>', 'snapshots (default) or changes')
    .requiredOption('--format <format>', 'csv, jsonl or parquet')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .option('--history <folder>', historyOption)
    .action(async (options: ExportOptions, command: Command) => {
      const { output } = contextOf(command);
      const { exportHistory } = await import('../../shared/history/history-export.ts');
      const { history, ...request } = options;
      const bar = !output.json && process.stderr.isTTY ? progressBar(process.stderr) : undefined;
      const result = await exportHistory(
        historyFolderOf({ history }),
        request,
        bar ? { onProgress: bar.show } : {},
      )
        .catch((error) => {
          throw asCliError(error);
        })
        .finally(() => bar?.clear());
      output.result(result, () => output.line(`${result.rows} rows written to ${result.file}`));
    });
}

interface QueryOptions {
  readonly history?: string;
  readonly stage?: string;
  readonly maxRows?: number;
}

/** `query --stage`: the SQL in the stage's Athena workgroup; rows, then what it scanned and cost. */
async function queryStage(sql: string, options: QueryOptions, output: Output): Promise<void> {
  if (options.history !== undefined) {
    throw usageError(
      '--stage and --history exclude each other: --stage asks Athena, --history a local folder',
    );
  }
  const stage = options.stage ?? '';
  const { STAGE_PATTERN } = await import('../../shared/catalogue/index.ts');
  if (!STAGE_PATTERN.test(stage)) {
    throw usageError('--stage: expected the stage name the stack was deployed with (e.g. prod)', [
      { field: '--stage', message: '1-16 lowercase letters, digits or "-", starting with a letter' },
    ]);
  }
  const { AthenaClient } = await import('@aws-sdk/client-athena');
  const { athenaTargetOf, queryAthena, ATHENA_USD_PER_TB } = await import('../../shared/history/index.ts');
  const athena = new AthenaClient({});
  try {
    const result = await queryAthena(athena, athenaTargetOf(stage), sql, {
      maxRows: options.maxRows ?? 1_000,
    }).catch((error) => {
      throw asCliError(error);
    });
    output.result(result, () => {
      output.table(
        result.columns,
        result.rows.map((row) => result.columns.map((column) => cellOf(row[column]))),
        '(no rows)',
      );
      if (result.truncated)
        output.line(`(first ${result.rows.length} rows; shelfwatch export writes them all)`);
      output.line(
        `scanned ${bytesText(result.bytesScanned)}, billed ${bytesText(result.cost.billedBytes)}: ` +
          `$${result.cost.usd.toFixed(6)} (Athena: $${ATHENA_USD_PER_TB} per TB scanned, 10 MB minimum per query); ` +
          `query ${result.queryExecutionId}`,
      );
    });
  } finally {
    athena.destroy();
  }
}

const bytesText = (bytes: number): string =>
  bytes < 1024 ** 2
    ? `${bytes} bytes`
    : `${(bytes / 1024 ** 2).toFixed(1)} MB (${bytes.toLocaleString('en-US')} bytes)`;

/** One line on a terminal, redrawn: `[#####.....]  45%  450,000 / 1,000,000 rows processed`. */
function progressBar(stream: NodeJS.WriteStream) {
  const width = 30;
  return {
    show: (progress: { rowsRead: number; rowsToRead: number; percentage: number }) => {
      const filled = Math.round((Math.min(100, progress.percentage) / 100) * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.percentage.toFixed(0).padStart(3)}%  ` +
          `${progress.rowsRead.toLocaleString('en-US')} / ${progress.rowsToRead.toLocaleString('en-US')} rows processed (DuckDB)`,
      );
    },
    clear: () => stream.write('\r\x1b[2K'),
  };
}

interface ExportOptions {
  readonly since: string;
  readonly until: string;
  readonly definition?: string;
  readonly table?: 'snapshots' | 'changes';
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
