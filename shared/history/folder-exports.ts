/**
 * GET /exports on one machine: DuckDB writes the window into a private temporary folder, the
 * answer streams the file, and the folder is removed once the stream closes (sent or aborted).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { exportFileNameOf, type ExportFormat, type ExportWindow } from './export-window.ts';
import { exportHistory } from './history-export.ts';
import { ExportNotFoundError } from './history-error.ts';
import type { ExportLinks, ExportPending, HistoryExports } from './history-exports.ts';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export class FolderHistoryExports implements HistoryExports {
  private readonly root: string;
  /** `root`: the history folder (`<data-dir>/history`). */
  constructor(root: string) {
    this.root = root;
  }

  /** Locally an export is streamed while GET /exports waits: none is left to poll. */
  exportById(id: string): Promise<ExportLinks | ExportPending> {
    return Promise.reject(
      new ExportNotFoundError(
        id,
        'exports are streamed in the answer to GET /exports here: nothing is left to poll',
      ),
    );
  }

  async exportWindow(window: ExportWindow): Promise<Response> {
    const folder = await mkdtemp(path.join(tmpdir(), 'shelfwatch-export-'));
    const removeFolder = () => rm(folder, { recursive: true, force: true });
    try {
      const name = exportFileNameOf(window);
      const { rows, file } = await exportHistory(this.root, { ...window, out: path.join(folder, name) });
      const { size } = await stat(file);
      const stream = createReadStream(file);
      stream.once('close', () => void removeFolder());
      return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
        headers: {
          'content-type': EXPORT_CONTENT_TYPES[window.format],
          'content-disposition': `attachment; filename="${name}"`,
          'content-length': String(size),
          'x-shelfwatch-rows': String(rows),
        },
      });
    } catch (error) {
      await removeFolder();
      throw error;
    }
  }
}
