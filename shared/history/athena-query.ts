/**
 * The deployed history, asked in SQL: one statement run in the stage's Athena workgroup (database
 * = the stage's Glue database, tables `snapshots` and `snapshots_raw` as locally), waited for with
 * backoff, its rows read page by page up to a bound, and what it cost.
 *
 *   StartQueryExecution ─▶ GetQueryExecution (200 ms, 400 ms … 5 s apart) ─▶ SUCCEEDED
 *                                     │                                     │
 *                          FAILED / CANCELLED: AthenaQueryFailedError       ▼
 *                                                      GetQueryResults (1,000 rows a page)
 *
 * The AthenaClient is passed in: the CLI builds one from the default credential chain, tests mock it.
 */
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { athenaWorkgroupName, glueDatabaseName } from '../catalogue/index.ts';
import type { ErrorKind } from '../errors/index.ts';
import {
  AthenaCredentialsError,
  AthenaQueryFailedError,
  AthenaQueryTimeoutError,
  AthenaRequestError,
  AthenaWorkgroupNotFoundError,
} from './athena-error.ts';

/** Where a stage's history is queried. */
export interface AthenaTarget {
  readonly stage: string;
  readonly workgroup: string;
  readonly database: string;
}

export const athenaTargetOf = (stage: string): AthenaTarget => ({
  stage,
  workgroup: athenaWorkgroupName(stage),
  database: glueDatabaseName(stage),
});

/** Athena's price: $5 per TB scanned, each query rounded up to the MB with a 10 MB minimum. */
export const ATHENA_USD_PER_TB = 5;
const MB = 2 ** 20;
const TB = 2 ** 40;
export const ATHENA_MINIMUM_BILLED_BYTES = 10 * MB;

export interface AthenaCost {
  /** What Athena bills: the bytes scanned rounded up to the MB, at least 10 MB. */
  readonly billedBytes: number;
  readonly usd: number;
}

export function athenaCostOf(bytesScanned: number): AthenaCost {
  const billedBytes = Math.max(ATHENA_MINIMUM_BILLED_BYTES, Math.ceil(bytesScanned / MB) * MB);
  return { billedBytes, usd: (billedBytes / TB) * ATHENA_USD_PER_TB };
}

export interface AthenaWaitOptions {
  /** Default: a real timer. Tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Stop the query and fail after this long (the API must answer in time). Default: no limit. */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An SDK failure as the error that names its cause. */
export function athenaErrorOf(error: unknown, target: AthenaTarget): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'CredentialsProviderError' || /could not load credentials/i.test(error.message)) {
    return new AthenaCredentialsError('credentials', error.message, { cause: error });
  }
  if (/region is missing/i.test(error.message)) {
    return new AthenaCredentialsError('region', error.message, { cause: error });
  }
  const kindByName: Record<string, ErrorKind> = {
    AccessDeniedException: 'forbidden',
    InvalidRequestException: 'invalid',
    TooManyRequestsException: 'unavailable',
    InternalServerException: 'unavailable',
  };
  const kind = kindByName[error.name];
  if (
    error.name === 'InvalidRequestException' &&
    /workgroup/i.test(error.message) &&
    /not found/i.test(error.message)
  ) {
    return new AthenaWorkgroupNotFoundError(target.workgroup, target.stage, { cause: error });
  }
  if (kind) return new AthenaRequestError(kind, error.name, error.message, { cause: error });
  return error;
}

/** Starts one statement in the target's workgroup and database; its execution id. */
export async function startAthenaQuery(
  athena: AthenaClient,
  target: AthenaTarget,
  sql: string,
): Promise<string> {
  const started = await athena
    .send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: target.workgroup,
        QueryExecutionContext: { Database: target.database },
      }),
    )
    .catch((error: unknown) => {
      throw athenaErrorOf(error, target);
    });
  if (!started.QueryExecutionId)
    throw new AthenaRequestError('unavailable', 'NoQueryExecutionId', 'no id returned');
  return started.QueryExecutionId;
}

/**
 * A query's execution if it SUCCEEDED, undefined while it is QUEUED or RUNNING; FAILED and
 * CANCELLED throw why (AthenaQueryFailedError).
 */
export function settledExecution(
  queryExecutionId: string,
  execution: QueryExecution | undefined,
): QueryExecution | undefined {
  const state = execution?.Status?.State;
  if (execution && state === 'SUCCEEDED') return execution;
  if (state === 'FAILED' || state === 'CANCELLED') {
    const status = execution?.Status;
    // ErrorCategory 2 is the user's (syntax, unknown column, permissions on data): input to fix.
    const kind: ErrorKind =
      state === 'CANCELLED'
        ? 'conflict'
        : status?.AthenaError?.ErrorCategory === 2
          ? 'invalid'
          : 'unavailable';
    throw new AthenaQueryFailedError(
      queryExecutionId,
      state,
      status?.StateChangeReason ?? 'no reason given',
      kind,
    );
  }
  return undefined;
}

/**
 * Polls the query until it settles or `maxWaitMs` has passed: its execution if it SUCCEEDED,
 * undefined if it is still running then (left running); FAILED and CANCELLED throw why.
 */
export async function pollAthenaQuery(
  athena: AthenaClient,
  target: AthenaTarget,
  queryExecutionId: string,
  options: AthenaWaitOptions = {},
): Promise<QueryExecution | undefined> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const startedAt = now();
  let delayMs = options.firstDelayMs ?? 200;
  for (;;) {
    const { QueryExecution: execution } = await athena
      .send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }))
      .catch((error: unknown) => {
        throw athenaErrorOf(error, target);
      });
    const settled = settledExecution(queryExecutionId, execution);
    if (settled) return settled;
    if (options.maxWaitMs !== undefined && now() - startedAt >= options.maxWaitMs) return undefined;
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, options.maxDelayMs ?? 5_000);
  }
}

/**
 * Waits until the query SUCCEEDED (its execution) or throws why it did not; past `maxWaitMs` it
 * stops the query (AthenaQueryTimeoutError).
 */
export async function waitForAthenaQuery(
  athena: AthenaClient,
  target: AthenaTarget,
  queryExecutionId: string,
  options: AthenaWaitOptions = {},
): Promise<QueryExecution> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const execution = await pollAthenaQuery(athena, target, queryExecutionId, options);
  if (execution) return execution;
  await athena
    .send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }))
    .catch(() => undefined);
  throw new AthenaQueryTimeoutError(queryExecutionId, now() - startedAt);
}

export type AthenaCell = string | number | boolean | null;

export interface AthenaQueryResult {
  readonly queryExecutionId: string;
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, AthenaCell>[];
  readonly truncated: boolean;
  readonly bytesScanned: number;
  readonly cost: AthenaCost;
}

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'integer',
  'bigint',
  'real',
  'float',
  'double',
  'decimal',
]);

/** Athena gives every value as text; numbers and booleans become JSON ones again (a bigint past 2^53 stays text). */
function cellOf(value: string | undefined, column: ColumnInfo | undefined): AthenaCell {
  if (value === undefined) return null;
  const type = (column?.Type ?? 'varchar').toLowerCase();
  if (type === 'boolean') return value === 'true';
  if (NUMERIC_TYPES.has(type)) {
    const number = Number(value);
    return Number.isFinite(number) && (type !== 'bigint' || Number.isSafeInteger(number)) ? number : value;
  }
  return value;
}

/** Runs one statement and reads at most `maxRows` of its rows (`truncated` says more were there). */
export async function queryAthena(
  athena: AthenaClient,
  target: AthenaTarget,
  sql: string,
  options: AthenaWaitOptions & { readonly maxRows?: number } = {},
): Promise<AthenaQueryResult> {
  const maxRows = options.maxRows ?? 1_000;
  const queryExecutionId = await startAthenaQuery(athena, target, sql);
  const execution = await waitForAthenaQuery(athena, target, queryExecutionId, options);
  const rows: Record<string, AthenaCell>[] = [];
  let columns: readonly string[] = [];
  let infos: readonly ColumnInfo[] = [];
  let nextToken: string | undefined;
  let first = true;
  let truncated = false;
  do {
    const page = await athena
      .send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryExecutionId,
          MaxResults: Math.min(1_000, maxRows + 2),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      )
      .catch((error: unknown) => {
        throw athenaErrorOf(error, target);
      });
    if (first) {
      infos = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      columns = infos.map((info) => info.Name ?? '');
    }
    // A SELECT's first row is its header.
    const data = (page.ResultSet?.Rows ?? []).slice(first && execution.StatementType === 'DML' ? 1 : 0);
    first = false;
    for (const row of data) {
      if (rows.length === maxRows) {
        truncated = true;
        break;
      }
      const cells = row.Data ?? [];
      rows.push(
        Object.fromEntries(columns.map((name, i) => [name, cellOf(cells[i]?.VarCharValue, infos[i])])),
      );
    }
    nextToken = page.NextToken;
    if (rows.length === maxRows && nextToken) truncated = true;
  } while (nextToken && !truncated);
  const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
  return { queryExecutionId, columns, rows, truncated, bytesScanned, cost: athenaCostOf(bytesScanned) };
}
