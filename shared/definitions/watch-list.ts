/**
 * Watch-list files: many definitions at once, as CSV or JSON, each row judged by the same
 * definition schema as the API, with every problem reported by row (and, for CSV, line) and
 * field. Nothing here writes: the caller decides what to do with the valid rows.
 *
 * CSV: a header row naming columns (RFC 4180 quoting: `"a, b"`, `"say ""hi"""`):
 *   required  id, platform, marketplace, crawlType, target, schedule (see schedule-text.ts)
 *   optional  priority, maxAttempts, maxPages, maxItems, enabled (true / false), fetchMode
 * An empty optional cell takes the default. JSON: an array of definition bodies, as POST
 * /definitions takes them (or `{ "definitions": [...] }`).
 */
import { type DefinitionFields, definitionInputSchema } from './definition.ts';
import { parseScheduleText, SCHEDULE_TEXT_HELP } from '../schedule/index.ts';
import {
  WATCH_LIST_OPTIONAL_COLUMNS as OPTIONAL_COLUMNS,
  WATCH_LIST_REQUIRED_COLUMNS as REQUIRED_COLUMNS,
} from './watch-list-columns.ts';

export type WatchListFormat = 'csv' | 'json';

export interface WatchListRow {
  /** 1-based: the first definition of the file is row 1 (for CSV, the line after the header). */
  readonly row: number;
  /** CSV only: the line the row starts on. */
  readonly line?: number;
  /** The definition body, before validation. */
  readonly body: Record<string, unknown>;
}

export interface WatchListIssue {
  /** 0: the file as a whole (header, syntax). */
  readonly row: number;
  readonly line?: number;
  readonly field: string;
  readonly message: string;
}

export interface ValidatedWatchList {
  readonly valid: { readonly row: number; readonly line?: number; readonly definition: DefinitionFields }[];
  readonly issues: WatchListIssue[];
  readonly rows: number;
}

const COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
const WHOLE_NUMBER = /^\d{1,6}$/;

export { WATCH_LIST_OPTIONAL_COLUMNS, WATCH_LIST_REQUIRED_COLUMNS } from './watch-list-columns.ts';

interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/** RFC 4180 records with the line each starts on; blank lines are skipped. */
export function readCsvRecords(text: string): {
  records: CsvRecord[];
  error?: { line: number; message: string };
} {
  const records: CsvRecord[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let quoteStartLine = 0;
  let cellStarted = false;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]?.trim() !== '') records.push({ line: startLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index] as string;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line += 1;
        cell += char;
      }
      continue;
    }
    if (char === '"' && !cellStarted) {
      quoted = true;
      quoteStartLine = line;
      cellStarted = true;
    } else if (char === '"') {
      return {
        records,
        error: { line, message: 'a quote inside an unquoted cell: quote the whole cell ("...")' },
      };
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
      cellStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[index + 1] === '\n') index += 1;
      endRecord();
      line += 1;
      startLine = line;
    } else {
      cell += char;
      cellStarted = true;
    }
  }
  if (quoted) return { records, error: { line: quoteStartLine, message: 'a quoted cell is never closed' } };
  endRecord();
  return { records };
}

/** One CSV row's cells → a definition body (shapes only; the schema judges values). */
export function bodyFromCells(cells: Readonly<Record<string, string>>): {
  body: Record<string, unknown>;
  issues: { field: string; message: string }[];
} {
  const body: Record<string, unknown> = {};
  const issues: { field: string; message: string }[] = [];
  const params: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(cells)) {
    const value = raw.trim();
    if (value === '' && !(REQUIRED_COLUMNS as readonly string[]).includes(column)) continue;
    switch (column) {
      case 'schedule': {
        const schedule = parseScheduleText(value);
        if (schedule) body.schedule = schedule;
        else issues.push({ field: 'schedule', message: SCHEDULE_TEXT_HELP });
        break;
      }
      case 'maxAttempts':
      case 'maxPages':
      case 'maxItems': {
        if (!WHOLE_NUMBER.test(value)) {
          issues.push({ field: column, message: 'must be a whole number' });
          break;
        }
        if (column === 'maxAttempts') body.maxAttempts = Number(value);
        else params[column] = Number(value);
        break;
      }
      case 'enabled':
        if (value === 'true' || value === 'false') body.enabled = value === 'true';
        else issues.push({ field: 'enabled', message: 'must be true or false' });
        break;
      default:
        body[column] = value;
    }
  }
  if (Object.keys(params).length > 0) body.params = params;
  return { body, issues };
}

interface ReadRows {
  readonly rows: WatchListRow[];
  readonly issues: WatchListIssue[];
  /** Data rows in the file, good or bad. */
  readonly count: number;
}

/** Valid stand-ins for cells that could not be read, so the schema still judges the other fields. */
const STAND_INS: Record<string, (body: Record<string, unknown>) => void> = {
  schedule: (body) => (body.schedule = { kind: 'every', everyHours: 1 }),
  maxAttempts: (body) => (body.maxAttempts = 1),
  maxPages: (body) => (body.params = { ...(body.params as object), maxPages: 1 }),
  maxItems: (body) => (body.params = { ...(body.params as object), maxItems: 1 }),
  enabled: (body) => (body.enabled = true),
};

/**
 * One row of text cells (a CSV row, the CLI's flags) → a valid definition, or every problem:
 * the cells that cannot be read and, judged by the schema, every other field.
 */
export function definitionFromCells(cells: Readonly<Record<string, string>>): {
  definition?: DefinitionFields;
  issues: { field: string; message: string }[];
} {
  const { body, issues } = bodyFromCells(cells);
  for (const issue of issues) STAND_INS[issue.field]?.(body);
  const parsed = definitionInputSchema.safeParse(body);
  if (parsed.success && issues.length === 0) return { definition: parsed.data, issues };
  const schemaIssues = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(row)',
        message: issue.message,
      }));
  return { issues: [...issues, ...schemaIssues] };
}

function readCsv(text: string): ReadRows {
  const { records, error } = readCsvRecords(text);
  if (error)
    return {
      rows: [],
      count: 0,
      issues: [{ row: 0, line: error.line, field: '(file)', message: error.message }],
    };
  const [header, ...data] = records;
  if (!header)
    return {
      rows: [],
      count: 0,
      issues: [{ row: 0, field: '(file)', message: 'is empty: expected a header row' }],
    };
  const columns = header.cells.map((cell) => cell.trim());
  const issues: WatchListIssue[] = [];
  const unknown = columns.filter((column) => !COLUMNS.includes(column));
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (unknown.length > 0)
    issues.push({
      row: 0,
      line: header.line,
      field: '(header)',
      message: `unknown columns ${unknown.join(', ')}: the columns are ${COLUMNS.join(', ')}`,
    });
  if (missing.length > 0)
    issues.push({
      row: 0,
      line: header.line,
      field: '(header)',
      message: `missing columns ${missing.join(', ')}`,
    });
  if (repeated.length > 0)
    issues.push({
      row: 0,
      line: header.line,
      field: '(header)',
      message: `repeated columns ${repeated.join(', ')}`,
    });
  if (issues.length > 0) return { rows: [], issues, count: data.length };
  const rows: WatchListRow[] = [];
  data.forEach((record, index) => {
    const row = index + 1;
    if (record.cells.length !== columns.length) {
      issues.push({
        row,
        line: record.line,
        field: '(row)',
        message: `has ${record.cells.length} cells, the header ${columns.length}`,
      });
      return;
    }
    const cells = Object.fromEntries(columns.map((column, at) => [column, record.cells[at] as string]));
    const { body, issues: cellIssues } = bodyFromCells(cells);
    if (cellIssues.length === 0) rows.push({ row, line: record.line, body });
    else
      issues.push(
        ...definitionFromCells(cells).issues.map((issue) => ({ row, line: record.line, ...issue })),
      );
  });
  return { rows, issues, count: data.length };
}

function readJson(text: string): ReadRows {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    return {
      rows: [],
      count: 0,
      issues: [{ row: 0, field: '(file)', message: `is not JSON: ${(error as Error).message}` }],
    };
  }
  const list =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'definitions' in parsed
      ? parsed.definitions
      : parsed;
  if (!Array.isArray(list)) {
    return {
      rows: [],
      count: 0,
      issues: [
        { row: 0, field: '(file)', message: 'must be an array of definitions (or { "definitions": [...] })' },
      ],
    };
  }
  const rows: WatchListRow[] = [];
  const issues: WatchListIssue[] = [];
  list.forEach((item: unknown, index) => {
    if (item && typeof item === 'object' && !Array.isArray(item))
      rows.push({ row: index + 1, body: item as Record<string, unknown> });
    else issues.push({ row: index + 1, field: '(row)', message: 'must be an object' });
  });
  return { rows, issues, count: list.length };
}

/** Reads and validates a whole file: every row, every bad field, repeated ids. */
export function validateWatchList(text: string, format: WatchListFormat): ValidatedWatchList {
  const { rows, issues, count } = format === 'csv' ? readCsv(text) : readJson(text);
  const valid: ValidatedWatchList['valid'][number][] = [];
  const seen = new Map<string, number>();
  for (const { row, line, body } of rows) {
    const where = line === undefined ? { row } : { row, line };
    const parsed = definitionInputSchema.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          ...where,
          field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(row)',
          message: issue.message,
        });
      }
      continue;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      issues.push({ ...where, field: 'id', message: `repeats the id of row ${earlier}` });
      continue;
    }
    seen.set(parsed.data.id, row);
    valid.push({ ...where, definition: parsed.data });
  }
  issues.sort((a, b) => a.row - b.row);
  return { valid, issues, rows: count };
}
