/**
 * Where finished history files go. A destination makes a file visible at its relative path in
 * one step, so a reader never sees half a file: a folder renames it into place; S3 (deployed)
 * puts the object, which is atomic.
 *
 * The compactor (history-compaction.ts) needs more of the same place: list what is there, read
 * a file back and delete files it replaced. `HistoryFileStore` adds that; a folder and the S3
 * bucket both are one.
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export interface HistoryDestination {
  /** Where this destination's files are, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /** Moves the finished file at `localPath` to `relativePath` (forward slashes) under the destination. */
  publish(localPath: string, relativePath: string): Promise<void>;
}

/** A destination whose files can be listed, read back and deleted: what compaction works on. */
export interface HistoryFileStore extends HistoryDestination {
  /** Names of the folders directly under `prefix` (no trailing slash): `dt=2026-12-01`. */
  listFolders(prefix: string): Promise<string[]>;
  /** Relative paths (forward slashes) of the files under `prefix`, at any depth, sorted. */
  listFiles(prefix: string): Promise<string[]>;
  /** Copies the file at `relativePath` to `localPath` on this machine. */
  download(relativePath: string, localPath: string): Promise<void>;
  /** Deletes the files at these relative paths; one already gone is not an error. */
  remove(relativePaths: readonly string[]): Promise<void>;
}

/** A folder on this machine: `npm start` writes `<data-dir>/history`. */
export class FolderHistoryDestination implements HistoryFileStore {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  async publish(localPath: string, relativePath: string): Promise<void> {
    const target = this.pathOf(relativePath);
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

  async listFolders(prefix: string): Promise<string[]> {
    const entries = await readdirOrNothing(this.pathOf(prefix));
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  }

  async listFiles(prefix: string): Promise<string[]> {
    const folder = this.pathOf(prefix);
    const entries = await readdirOrNothing(folder, true);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path.relative(this.location, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
      )
      .sort();
  }

  async download(relativePath: string, localPath: string): Promise<void> {
    await copyFile(this.pathOf(relativePath), localPath);
  }

  async remove(relativePaths: readonly string[]): Promise<void> {
    for (const relative of relativePaths) await rm(this.pathOf(relative), { force: true });
  }

  private pathOf(relativePath: string): string {
    return path.join(this.location, ...relativePath.split('/').filter((segment) => segment !== ''));
  }
}

async function readdirOrNothing(folder: string, recursive = false) {
  try {
    return await readdir(folder, { withFileTypes: true, recursive });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
