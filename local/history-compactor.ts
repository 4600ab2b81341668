/**
 * `npm start`'s compaction of `<data-dir>/history`: once at start (days finished while it was
 * stopped) and then every `intervalMs`, each finished day's partitions become one file
 * (shared/history/history-compaction.ts, the code the deployed historyCompactor runs on S3).
 * One pass at a time; `stop()` waits for a running pass and starts none.
 */
import {
  compactHistory,
  type CompactHistoryOptions,
  type HistoryCompaction,
  type HistoryFileStore,
} from '../shared/history/index.ts';

export interface LocalHistoryCompactorOptions {
  readonly store: HistoryFileStore;
  /** Local time (the accelerated clock's with `--slot-every`): the days of the slots written. */
  readonly now: () => number;
  /** Hears each pass that completed (compacted something or not). */
  readonly onPass?: (compaction: HistoryCompaction) => void;
  readonly compaction?: Omit<CompactHistoryOptions, 'nowMs'>;
}

export class LocalHistoryCompactor {
  private readonly options: LocalHistoryCompactorOptions;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<HistoryCompaction> | undefined;
  private stopped = false;

  constructor(options: LocalHistoryCompactorOptions) {
    this.options = options;
  }

  /** Compacts every due day now (or joins the pass already running). */
  compactDue(): Promise<HistoryCompaction> {
    this.pass ??= compactHistory(this.options.store, {
      ...this.options.compaction,
      nowMs: this.options.now(),
    })
      .then((compaction) => {
        this.options.onPass?.(compaction);
        return compaction;
      })
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }

  /** A pass now, then one every `intervalMs`; `onError` hears a failed pass (the next retries). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    const run = () => {
      if (!this.stopped) void this.compactDue().catch(onError);
    };
    run();
    this.timer = setInterval(run, intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass?.catch(() => undefined);
  }
}
