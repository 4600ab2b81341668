/**
 * Where finished history files go. A destination makes a file visible at its relative path in
 * one step, so a reader never sees half a file: a folder renames it into place; S3 (deployed)
 * puts the object, which is atomic.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export interface HistoryDestination {
  /** Where this destination's files are, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /** Moves the finished file at `localPath` to `relativePath` (forward slashes) under the destination. */
  publish(localPath: string, relativePath: string): Promise<void>;
}

/** A folder on this machine: `npm start` writes `<data-dir>/history`. */
export class FolderHistoryDestination implements HistoryDestination {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  async publish(localPath: string, relativePath: string): Promise<void> {
    const target = path.join(this.location, ...relativePath.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(localPath, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // Another file system: copy beside the target under a name readers skip, then rename.
      const hidden = path.join(path.dirname(target), `.${randomUUID()}.tmp`);
      await copyFile(localPath, hidden);
      await rename(hidden, target);
      await rm(localPath, { force: true });
    }
  }
}
