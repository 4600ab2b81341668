/**
 * What an export asks for — a window of slots, optionally one definition, and a format — and the
 * SELECT that reads it. Plain data and SQL text, no DuckDB: the CLI's export, the local API's
 * stream and the deployed API's Athena UNLOAD all start here, so the same window gives the same rows.
 *
 * Window: snapshots whose slot (the hour the run was for) is in [since, until).
 */
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';
import { CHANGE_HISTORY } from './change-history.ts';
import { SNAPSHOT_HISTORY } from './snapshot-history.ts';
import { sqlString } from './sql-text.ts';

/** The history tables an export may read, each with the column its rows are ordered by. */
export const EXPORT_TABLE_NAMES = ['snapshots', 'changes'] as const;
export type ExportTableName = (typeof EXPORT_TABLE_NAMES)[number];
const EXPORT_ORDER: Record<ExportTableName, string> = {
  snapshots: SNAPSHOT_HISTORY.latestBy,
  changes: CHANGE_HISTORY.latestBy,
};

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The longest window GET /exports accepts: a month of slots (the CLI's export has no bound). */
export const MAX_EXPORT_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

/** A day (`2026-12-01`, its first slot) or a slot (`2026-12-01T19:00Z`). */
const boundary = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:00Z)?$/, 'expected a day (2026-12-01) or a slot (2026-12-01T19:00Z)')
  .refine(
    (value) => !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00Z` : value)),
    'is not a date',
  )
  .transform((value) => (value.length === 10 ? `${value}T00:00Z` : value));

const windowFields = {
  since: boundary,
  until: boundary,
  definition: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^\p{Cc}]*$/u, 'must not hold control characters')
    .optional(),
  format: z.enum(EXPORT_FORMATS),
  /** Which history: the snapshots (default) or the changes. */
  table: z.enum(EXPORT_TABLE_NAMES).optional(),
};

const untilAfterSince = (window: { since: string; until: string }): boolean => window.since < window.until;
const untilAfterSinceIssue = { path: ['until'], message: 'must be after since' };

/** `shelfwatch export`: a window, a format and the file to write. */
export const exportRequestSchema = z
  .object({ ...windowFields, out: z.string().min(1, 'name the file to write') })
  .refine(untilAfterSince, untilAfterSinceIssue);

/** GET /exports: a window of at most MAX_EXPORT_WINDOW_DAYS; nothing else in the query. */
export const exportQuerySchema = z
  .object(windowFields)
  .strict()
  .refine(untilAfterSince, untilAfterSinceIssue)
  .refine(
    (window) => Date.parse(window.until) - Date.parse(window.since) <= MAX_EXPORT_WINDOW_DAYS * DAY_MS,
    {
      path: ['until'],
      message: `the window may span at most ${MAX_EXPORT_WINDOW_DAYS} days: export a longer period in parts`,
    },
  );

export type ExportRequest = z.input<typeof exportRequestSchema>;
export type ExportWindow = z.output<typeof exportQuerySchema>;

/** Validates the request (ValidationError naming each bad field) without touching any file. */
export function parseExportRequest(request: ExportRequest): z.output<typeof exportRequestSchema> {
  const parsed = exportRequestSchema.safeParse(request);
  if (!parsed.success) throw ValidationError.fromZod('export', parsed.error);
  return parsed.data;
}

/**
 * The SELECT an export runs, the same in DuckDB and Athena: partition pruning on dt, then the
 * exact slot window.
 */
export function exportSelectOf(window: Omit<ExportWindow, 'format'>): string {
  const conditions = [
    `dt >= ${sqlString(window.since.slice(0, 10))}`,
    `dt <= ${sqlString(window.until.slice(0, 10))}`,
    `slot >= ${sqlString(window.since)}`,
    `slot < ${sqlString(window.until)}`,
    ...(window.definition ? [`definition_id = ${sqlString(window.definition)}`] : []),
  ];
  const table = window.table ?? 'snapshots';
  return `SELECT * FROM ${table} WHERE ${conditions.join(' AND ')} ORDER BY item_key, ${EXPORT_ORDER[table]}`;
}

/** `snapshots-2026-12-01T00-00Z-2026-12-08T00-00Z.csv`: the file name an export is offered under. */
export const exportFileNameOf = (window: ExportWindow): string =>
  `${window.table ?? 'snapshots'}-${window.since.replace(':', '-')}-${window.until.replace(':', '-')}` +
  `${window.definition ? `-${window.definition.replace(/[^A-Za-z0-9_.-]/g, '_')}` : ''}.${window.format}`;
