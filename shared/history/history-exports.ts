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
import { type AthenaClient, GetWorkGroupCommand, type QueryExecution } from '@aws-sdk/client-athena';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  athenaCostOf,
  athenaErrorOf,
  type AthenaCost,
  athenaTargetOf,
  type AthenaTarget,
  startAthenaQuery,
  waitForAthenaQuery,
  type AthenaWaitOptions,
} from './athena-query.ts';
import { AthenaRequestError } from './athena-error.ts';
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

export interface HistoryExports {
  /** Locally a Response streaming the file; deployed the links to the files Athena wrote. */
  exportWindow(window: ExportWindow): Promise<Response | ExportLinks>;
}

/** How long a presigned export URL stays valid. */
export const EXPORT_URL_EXPIRY_SECONDS = 900;
/** API Gateway answers within 30 s: the query gets 25 s, then it is stopped and the caller told. */
export const EXPORT_MAX_WAIT_MS = 25_000;

export interface AthenaHistoryExportsOptions extends AthenaWaitOptions {
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  readonly stage: string;
  readonly urlExpirySeconds?: number;
  readonly newId?: () => string;
}

const UNLOAD_FORMATS = { jsonl: 'JSON', parquet: 'PARQUET' } as const;

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

  async exportWindow(window: ExportWindow): Promise<ExportLinks> {
    const select = exportSelectOf(window);
    const sql =
      window.format === 'csv'
        ? select
        : `UNLOAD (${select}) TO ${sqlString(await this.unloadLocation())} ` +
          `WITH (format = ${sqlString(UNLOAD_FORMATS[window.format])})`;
    const { athena } = this.options;
    const queryExecutionId = await startAthenaQuery(athena, this.target, sql);
    const execution = await waitForAthenaQuery(athena, this.target, queryExecutionId, {
      maxWaitMs: EXPORT_MAX_WAIT_MS,
      ...this.options,
    });
    const locations =
      window.format === 'csv' ? [this.csvLocationOf(execution)] : await this.unloadedFiles(execution);
    const expiresIn = this.options.urlExpirySeconds ?? EXPORT_URL_EXPIRY_SECONDS;
    const fileName = exportFileNameOf(window);
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
      format: window.format,
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
