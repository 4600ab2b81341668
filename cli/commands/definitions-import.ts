/**
 * `shelfwatch definitions import <file>`: a CSV or JSON watch list, every row validated locally
 * with the API's own schema, a report per row (row, line, field, message).
 *
 * - default: any bad row and nothing is written. Rows go in batches of 100 (the API's limit),
 *   each atomic; if a later batch is refused (an id that exists already), the batches already
 *   written are deleted again, so the import still writes all or nothing.
 * - --partial: the good rows are written (the API's partial mode), the bad ones reported.
 * - --dry-run: validate and report only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type {
  Definition,
  DefinitionFields,
  WatchListFormat,
  WatchListIssue,
} from '../../shared/definitions/index.ts';
// Plain data, for the help text: the definitions index loads the DynamoDB SDK, watch-list.ts zod.
import {
  WATCH_LIST_OPTIONAL_COLUMNS,
  WATCH_LIST_REQUIRED_COLUMNS,
} from '../../shared/definitions/watch-list-columns.ts';
import type { FieldIssue } from '../../shared/errors/index.ts';
import type { ApiClient } from '../api-client.ts';
import { contextOf } from '../context.ts';
import { CliError, usageError } from '../exit-codes.ts';
import type { Output } from '../output.ts';

interface ValidRow {
  readonly row: number;
  readonly line?: number;
  readonly definition: DefinitionFields;
}

interface ImportReport {
  readonly written: boolean;
  readonly rows: number;
  readonly created: string[];
  readonly rejected: WatchListIssue[];
}

function formatOf(file: string, option?: string): WatchListFormat {
  const format = option ?? path.extname(file).slice(1).toLowerCase();
  if (format === 'csv' || format === 'json') return format;
  throw usageError(`cannot tell the format of ${file}: name it .csv or .json, or pass --format csv|json`);
}

/** `definitions.<i>.<field>` of a batch → the file's row and field. */
function rowIssue(issue: FieldIssue, batch: readonly ValidRow[]): WatchListIssue {
  const match = /^definitions\.(\d+)(?:\.(.+))?$/.exec(issue.field);
  const source = match ? batch[Number(match[1])] : undefined;
  if (!source) return { row: 0, field: issue.field, message: issue.message };
  return {
    row: source.row,
    ...(source.line !== undefined ? { line: source.line } : {}),
    field: match?.[2] ?? '(row)',
    message: issue.message,
  };
}

async function writeAtomically(
  api: ApiClient,
  rows: readonly ValidRow[],
  perRequest: number,
): Promise<ImportReport> {
  const created: string[] = [];
  for (let start = 0; start < rows.length; start += perRequest) {
    const batch = rows.slice(start, start + perRequest);
    try {
      const answer = await api.post<{ definitions: Definition[] }>('/definitions', {
        definitions: batch.map((row) => row.definition),
        mode: 'atomic',
      });
      created.push(...answer.definitions.map((definition) => definition.id));
    } catch (error) {
      // Undo the earlier batches, so the import writes all or nothing.
      for (const id of created) await api.delete(`/definitions/${encodeURIComponent(id)}`);
      if (!(error instanceof CliError) || error.issues.length === 0) throw error;
      return {
        written: false,
        rows: rows.length,
        created: [],
        rejected: error.issues.map((issue) => rowIssue(issue, batch)),
      };
    }
  }
  return { written: true, rows: rows.length, created, rejected: [] };
}

async function writePartially(
  api: ApiClient,
  rows: readonly ValidRow[],
  perRequest: number,
): Promise<Pick<ImportReport, 'created' | 'rejected'>> {
  const created: string[] = [];
  const rejected: WatchListIssue[] = [];
  for (let start = 0; start < rows.length; start += perRequest) {
    const batch = rows.slice(start, start + perRequest);
    const answer = await api.post<{ definitions: Definition[]; rejected: FieldIssue[] }>('/definitions', {
      definitions: batch.map((row) => row.definition),
      mode: 'partial',
    });
    created.push(...answer.definitions.map((definition) => definition.id));
    rejected.push(...answer.rejected.map((issue) => rowIssue(issue, batch)));
  }
  return { created, rejected };
}

function printReport(output: Output, report: ImportReport, dryRun: boolean): void {
  output.result(report, () => {
    if (report.rejected.length > 0) {
      output.table(
        ['row', 'line', 'field', 'message'],
        report.rejected.map((issue) => [issue.row || '(file)', issue.line, issue.field, issue.message]),
      );
      output.line();
    }
    const bad = new Set(report.rejected.map((issue) => issue.row)).size;
    if (dryRun)
      output.line(`${report.rows} rows checked, ${bad} with problems; nothing was written (--dry-run).`);
    else if (!report.written) output.line(`${report.rows} rows, ${bad} with problems: nothing was written.`);
    else
      output.line(`Created ${report.created.length} definitions${bad > 0 ? `; ${bad} rows rejected` : ''}.`);
  });
}

export function addImportCommand(group: Command): void {
  group
    .command('import')
    .description('Create definitions from a CSV or JSON watch list, with a report per row')
    .argument('<file>', 'a .csv or .json file')
    .option('--format <format>', 'csv or json (default: from the file name)')
    .option(
      '--partial',
      'write the good rows even if some are bad (default: any bad row, nothing is written)',
    )
    .option('--dry-run', 'validate and report only')
    .addHelpText(
      'after',
      `
CSV: a header row naming the columns.
  required: ${WATCH_LIST_REQUIRED_COLUMNS.join(', ')}
  optional: ${WATCH_LIST_OPTIONAL_COLUMNS.join(', ')} (an empty cell takes the default)
  schedule: "every 6h", "every 6h from 8 Europe/Berlin", "once 2026-12-01T08:00:00Z"
JSON: an array of definition bodies as POST /definitions takes them.
Rows are numbered from 1 (the first line after the header); CSV rows also give their line.
Exit code 2 when any row is rejected (with --partial the good rows are written anyway).`,
    )
    .action(
      async (
        file: string,
        options: { format?: string; partial?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const { output, client } = contextOf(command);
        const format = formatOf(file, options.format);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw usageError(`cannot read ${file}: ${(error as Error).message}`);
        }
        // The files, not the index: the definitions index loads the DynamoDB SDK, which an import does not use.
        const [{ validateWatchList }, { DEFINITIONS_PER_REQUEST }] = await Promise.all([
          import('../../shared/definitions/watch-list.ts'),
          import('../../shared/definitions/definition.ts'),
        ]);
        const checked = validateWatchList(text, format);
        const local = { rows: checked.rows, created: [] as string[], rejected: checked.issues };
        let report: ImportReport;
        if (options.dryRun || (checked.issues.length > 0 && !options.partial) || checked.valid.length === 0) {
          report = { ...local, written: false };
        } else if (options.partial) {
          const written = await writePartially(client(), checked.valid, DEFINITIONS_PER_REQUEST);
          report = {
            written: written.created.length > 0,
            rows: checked.rows,
            created: written.created,
            rejected: [...checked.issues, ...written.rejected].sort((a, b) => a.row - b.row),
          };
        } else {
          report = {
            ...(await writeAtomically(client(), checked.valid, DEFINITIONS_PER_REQUEST)),
            rows: checked.rows,
          };
        }
        printReport(output, report, Boolean(options.dryRun));
        if (report.rejected.length > 0) {
          throw new CliError('invalid', 'IMPORT_REJECTED', 'some rows were rejected', [], {
            reported: true,
          });
        }
      },
    );
}
