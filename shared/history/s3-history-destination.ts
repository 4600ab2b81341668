/**
 * The deployed destination: each finished file becomes one object of the history bucket, at the
 * same relative path as in a folder (`snapshots/v1/dt=.../part-<uuid>.parquet`). A PutObject is
 * atomic, so a reader (Athena) never sees half a file. For compaction it also lists (ListBucket
 * with a prefix), reads (GetObject) and deletes (DeleteObjects, which needs s3:DeleteObject).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { HistoryFileStore } from './history-destination.ts';
import { HistoryFilesNotDeletedError } from './history-error.ts';

/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1_000;

export class S3HistoryDestination implements HistoryFileStore {
  readonly location: string;
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
    this.location = `s3://${bucket}`;
  }

  async publish(localPath: string, relativePath: string): Promise<void> {
    // A batch's files are a few MB at most (one per partition of up to a few thousand rows);
    // a compacted day is one partition's day: tens of MB at most.
    const body = await readFile(localPath);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: relativePath,
        Body: body,
        ContentType: 'application/vnd.apache.parquet',
      }),
    );
    await rm(localPath, { force: true });
  }

  async listFolders(prefix: string): Promise<string[]> {
    const under = withSlash(prefix);
    const folders: string[] = [];
    for await (const page of this.pages(under, '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        if (common.Prefix) folders.push(common.Prefix.slice(under.length).replace(/\/$/, ''));
      }
    }
    return folders.sort();
  }

  async listFiles(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of this.pages(withSlash(prefix))) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
    return keys.sort();
  }

  async download(relativePath: string, localPath: string): Promise<void> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: relativePath }));
    const body = object.Body as { transformToByteArray(): Promise<Uint8Array> } | undefined;
    await writeFile(localPath, body ? await body.transformToByteArray() : new Uint8Array());
  }

  async remove(relativePaths: readonly string[]): Promise<void> {
    for (let start = 0; start < relativePaths.length; start += DELETE_BATCH) {
      const keys = relativePaths.slice(start, start + DELETE_BATCH);
      const answer = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new HistoryFilesNotDeletedError(
          this.location,
          failed.length,
          keys.length,
          `${first?.Key} (${first?.Code}: ${first?.Message})`,
        );
      }
    }
  }

  private async *pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(delimiter ? { Delimiter: delimiter } : {}),
        }),
      );
      yield page;
      token = page.NextContinuationToken;
    } while (token);
  }
}

const withSlash = (prefix: string): string => (prefix.endsWith('/') ? prefix : `${prefix}/`);
