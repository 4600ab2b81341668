/**
 * What the CLI prints: with --json, the API's answer (or the error body) as JSON on stdout, for
 * scripts; otherwise tables and sentences for people. Errors go to stderr for people.
 */
import type { FieldIssue } from '../shared/errors/index.ts';

export type Cell = string | number | boolean | null | undefined;

export interface Output {
  readonly json: boolean;
  /** Prints `value` as JSON, or calls `human` to print it for people. */
  result(value: unknown, human: () => void): void;
  line(text?: string): void;
  table(columns: readonly string[], rows: readonly (readonly Cell[])[], empty?: string): void;
  error(code: string, message: string, issues: readonly FieldIssue[]): void;
}

const MAX_CELL = 60;

const text = (cell: Cell): string => {
  if (cell === null || cell === undefined || cell === '') return '-';
  const value = String(cell);
  return value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
};

export function createOutput(json: boolean, streams = { out: process.stdout, err: process.stderr }): Output {
  const line = (value = '') => streams.out.write(`${value}\n`);
  return {
    json,
    result(value, human) {
      if (json) line(JSON.stringify(value, null, 2));
      else human();
    },
    line,
    table(columns, rows, empty = '(none)') {
      if (rows.length === 0) return line(empty);
      const cells = rows.map((row) => row.map(text));
      const widths = columns.map((column, index) =>
        Math.max(column.length, ...cells.map((row) => (row[index] ?? '').length)),
      );
      const format = (row: readonly string[]) =>
        row
          .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
          .join('  ');
      line(format(columns.map((column) => column.toUpperCase())));
      for (const row of cells) line(format(row));
    },
    error(code, message, issues) {
      if (json) {
        line(JSON.stringify({ error: { code, message, issues } }, null, 2));
        return;
      }
      streams.err.write(`shelfwatch: ${message}\n`);
      // Issues that are the whole message already (`--since: …; --until: …`): not said twice.
      if (message === issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')) return;
      for (const issue of issues) streams.err.write(`  ${issue.field}: ${issue.message}\n`);
    },
  };
}
