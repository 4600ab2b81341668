/**
 * The deployed destination: each finished file becomes one object of the history bucket, at the
 * same relative path as in a folder (`snapshots/v1/dt=.../part-<uuid>.parquet`). A PutObject is
 * atomic, so a reader (Athena) never sees half a file.
 */
import { readFile, rm } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { HistoryDestination } from './history-destination.ts';

export class S3HistoryDestination implements HistoryDestination {
  readonly location: string;
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
    this.location = `s3://${bucket}`;
  }

  async publish(localPath: string, relativePath: string): Promise<void> {
    // A batch's files are a few MB at most (one per partition of up to a few thousand rows).
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
}
