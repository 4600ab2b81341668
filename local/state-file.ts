/**
 * The small JSON files `npm start` keeps in the data folder to go on after a restart (where each
 * stream reader stopped: stream-positions.ts; where the accelerated clock stopped: clock-file.ts).
 * Read whole; replaced whole (written beside the file, then renamed over it), so a crash leaves
 * either the old file or the new one, never half of one.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file's JSON; undefined when there is no file. Text that is not JSON throws what
 * `invalid('is not JSON')` makes (the caller's error, naming its file and what to do).
 */
export function readStateFile(file: string, invalid: (problem: string) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('is not JSON');
  }
}

/** Replaces the file with `content` as JSON, atomically; its folder is made if missing. */
export async function writeStateFile(file: string, content: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`);
  await rename(temporary, file);
}
