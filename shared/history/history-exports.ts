/**
 * GET /exports: a window of the snapshot history as a file. Two ways to hand it over, one contract:
 *
 * - locally (`FolderHistoryExports`, folder-exports.ts): DuckDB writes the file and the answer
 *   streams it;
 * - deployed (`AthenaHistoryExports`, below): Athena writes the window into the workgroup's results
 *   location — a SELECT's own CSV result for csv, an UNLOAD for jsonl and parquet — and the answer
 *   holds presigned GET URLs of the files, valid a short time.
 *
 * This file loads no DuckDB: the API function bundles it.
 */
import { randomUUID } from 'node:crypto';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetWorkGroupCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  athenaCostOf,
  athenaErrorOf,
  type AthenaCost,
  athenaTargetOf,
  type AthenaTarget,
  pollAthenaQuery,
  settledExecution,
  startAthenaQuery,
  type AthenaWaitOptions,
} from './athena-query.ts';
import { AthenaRequestError } from './athena-error.ts';
import { ExportNotFoundError } from './history-error.ts';
import { exportFileNameOf, exportSelectOf, type ExportWindow } from './export-window.ts';

export { exportQuerySchema, MAX_EXPORT_WINDOW_DAYS, type ExportWindow } from './export-window.ts';
import { sqlString } from './sql-text.ts';

/** The deployed answer: where to download the window's files. */
export interface ExportLinks {
  readonly format: ExportWindow['format'];
  readonly queryExecutionId: string;
  /** One file for csv; UNLOAD writes one or more (none for an empty window). jsonl parts are gzip-compressed. */
  readonly files: readonly { readonly url: string }[];
  readonly expiresAt: string;
  readonly bytesScanned: number;
  readonly cost: AthenaCost;
}

/**
 * A deployed export Athena is still writing (it did not finish within EXPORT_MAX_WAIT_MS): the
 * API answers 202 with it, and GET `poll` gives the links once it is done.
 */
export interface ExportPending {
  readonly status: 'running';
  /** The Athena query execution writing it. */
  readonly id: string;
  readonly format: ExportWindow['format'];
  /** `/exports/<id>`. */
  readonly poll: string;
  readonly retryAfterSeconds: number;
}

export interface HistoryExports {
  /**
   * Locally a Response streaming the file; deployed the links to the files Athena wrote, or, when
   * Athena takes longer than an API answer may, the export still running.
   */
  exportWindow(window: ExportWindow): Promise<Response | ExportLinks | ExportPending>;
  /** An export answered 202 before: still running, or its links. Locally there is none (not found). */
  exportById(id: string): Promise<ExportLinks | ExportPending>;
}

/** An Athena query execution id: what GET /exports/{id} takes. */
export const EXPORT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How long a client should wait before polling an export again. */
export const EXPORT_POLL_SECONDS = 5;

/** The export SELECT (export-window.ts), bare (csv) or in an UNLOAD: its table and format. */
const EXPORT_SQL = /^(UNLOAD \()?SELECT \* FROM (snapshots|changes) WHERE dt >= '/;

const pendingExport = (id: string, format: ExportWindow['format']): ExportPending => ({
  status: 'running',
  id,
  format,
  poll: `/exports/${id}`,
  retryAfterSeconds: EXPORT_POLL_SECONDS,
});

/** How long a presigned export URL stays valid. */
export const EXPORT_URL_EXPIRY_SECONDS = 900;
/** API Gateway answers within 30 s: the query gets 25 s, then the answer is a 202 and the query goes on. */
export const EXPORT_MAX_WAIT_MS = 25_000;

export interface AthenaHistoryExportsOptions extends AthenaWaitOptions {
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  readonly stage: string;
  readonly urlExpirySeconds?: number;
  readonly newId?: () => string;
}

const UNLOAD_FORMATS = { jsonl: 'JSON', parquet: 'PARQUET' } as const;
/** UNLOAD's format back to the export's (GET /exports/{id} reads it from the query). */
const UNLOADED_FORMAT: Record<string, ExportWindow['format']> = Object.fromEntries(
  Object.entries(UNLOAD_FORMATS).map(([format, athenaFormat]) => [
    athenaFormat,
    format as ExportWindow['format'],
  ]),
);

/** `s3://bucket/a/b` → its bucket and key. */
export function s3LocationOf(uri: string): { Bucket: string; Key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri.trim());
  if (!match) throw new AthenaRequestError('internal', 'BadS3Location', `not an s3:// location: ${uri}`);
  return { Bucket: match[1] as string, Key: match[2] as string };
}

export class AthenaHistoryExports implements HistoryExports {
  private readonly target: AthenaTarget;
  private readonly options: AthenaHistoryExportsOptions;
  constructor(options: AthenaHistoryExportsOptions) {
    this.options = options;
    this.target = athenaTargetOf(options.stage);
  }

  async exportWindow(window: ExportWindow): Promise<ExportLinks | ExportPending> {
    const select = exportSelectOf(window);
    const sql =
      window.format === 'csv'
        ? select
        : `UNLOAD (${select}) TO ${sqlString(await this.unloadLocation())} ` +
          `WITH (format = ${sqlString(UNLOAD_FORMATS[window.format])})`;
    const { athena } = this.options;
    const queryExecutionId = await startAthenaQuery(athena, this.target, sql);
    // Not done in time: the query goes on, and the caller polls GET /exports/{id}.
    const execution = await pollAthenaQuery(athena, this.target, queryExecutionId, {
      maxWaitMs: EXPORT_MAX_WAIT_MS,
      ...this.options,
    });
    if (!execution) return pendingExport(queryExecutionId, window.format);
    return this.linksOf(queryExecutionId, execution, window.format, exportFileNameOf(window));
  }

  async exportById(id: string): Promise<ExportLinks | ExportPending> {
    if (!EXPORT_ID_PATTERN.test(id)) throw new ExportNotFoundError(id);
    const answer = await this.options.athena
      .send(new GetQueryExecutionCommand({ QueryExecutionId: id }))
      .catch((error: unknown) => {
        // Athena answers an unknown id with InvalidRequestException.
        if ((error as Error).name === 'InvalidRequestException') throw new ExportNotFoundError(id);
        throw athenaErrorOf(error, this.target);
      });
    const execution = answer.QueryExecution;
    // Only exports of this stage: any other query of the workgroup is not one.
    const shape = EXPORT_SQL.exec(execution?.Query ?? '');
    if (!execution || execution.WorkGroup !== this.target.workgroup || !shape)
      throw new ExportNotFoundError(id);
    const format = shape[1]
      ? (UNLOADED_FORMAT[/format = '([A-Z]+)'\)$/.exec(execution.Query ?? '')?.[1] ?? ''] ?? 'parquet')
      : 'csv';
    const settled = settledExecution(id, execution);
    if (!settled) return pendingExport(id, format);
    return this.linksOf(id, settled, format, `${shape[2]}-${id}.${format}`);
  }

  /** Presigned links to the files a SUCCEEDED export wrote. */
  private async linksOf(
    queryExecutionId: string,
    execution: QueryExecution,
    format: ExportWindow['format'],
    fileName: string,
  ): Promise<ExportLinks> {
    const locations =
      format === 'csv' ? [this.csvLocationOf(execution)] : await this.unloadedFiles(execution);
    const expiresIn = this.options.urlExpirySeconds ?? EXPORT_URL_EXPIRY_SECONDS;
    const files = await Promise.all(
      locations.map(async (location, index) => ({
        url: await getSignedUrl(
          this.options.s3,
          new GetObjectCommand({
            ...s3LocationOf(location),
            ResponseContentDisposition: `attachment; filename="${locations.length > 1 ? `${index + 1}-` : ''}${fileName}"`,
          }),
          { expiresIn },
        ),
      })),
    );
    const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
    return {
      format,
      queryExecutionId,
      files,
      expiresAt: new Date((this.options.now ?? Date.now)() + expiresIn * 1000).toISOString(),
      bytesScanned,
      cost: athenaCostOf(bytesScanned),
    };
  }

  /** A fresh folder under the workgroup's results location (UNLOAD refuses a non-empty one). */
  private async unloadLocation(): Promise<string> {
    const answer = await this.options.athena
      .send(new GetWorkGroupCommand({ WorkGroup: this.target.workgroup }))
      .catch((error: unknown) => {
        throw athenaErrorOf(error, this.target);
      });
    const output = answer.WorkGroup?.Configuration?.ResultConfiguration?.OutputLocation;
    if (!output) {
      throw new AthenaRequestError(
        'internal',
        'NoResultsLocation',
        `workgroup ${this.target.workgroup} has no results location: the stack sets one`,
      );
    }
    return `${output.replace(/\/?$/, '/')}exports/${(this.options.newId ?? randomUUID)()}/`;
  }

  private csvLocationOf(execution: QueryExecution): string {
    const output = execution.ResultConfiguration?.OutputLocation;
    if (!output) throw new AthenaRequestError('internal', 'NoOutputLocation', 'the query has no result file');
    return output;
  }

  /** The data files UNLOAD wrote, from its manifest (one s3:// URI a line). */
  private async unloadedFiles(execution: QueryExecution): Promise<string[]> {
    const manifest = execution.Statistics?.DataManifestLocation;
    if (!manifest) throw new AthenaRequestError('internal', 'NoManifest', 'UNLOAD gave no data manifest');
    const object = await this.options.s3
      .send(new GetObjectCommand(s3LocationOf(manifest)))
      .catch((error: unknown) => {
        throw new AthenaRequestError(
          'unavailable',
          (error as Error).name,
          `manifest ${manifest}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      });
    const text = (await object.Body?.transformToString()) ?? '';
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('s3://'));
  }
}
