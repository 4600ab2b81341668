/**
 * Where the accelerated clock of `npm start -- --slot-every N --data-dir D` stopped, kept in the
 * data folder (`D/clock.json`) so that a restart goes on from the next slot instead of starting
 * again at the current UTC hour, whose slots the folder's runs already have (each would say
 * "0 run(s) created" until the clock passed them again), and so that the demo shop goes on from
 * the catalogue version it had reached instead of going back to version 0.
 *
 *   { "v": 1, "firstSlot": "2026-12-07T05:00Z", "nextSlot": "2026-12-07T11:00Z" }
 *
 * `firstSlot` is the slot the folder's clock started at (the demo shop's version 0); `nextSlot`
 * the first slot not yet expanded. Written (beside the file, then renamed over it) after each
 * slot is expanded. The wall clock (no `--slot-every`) never uses it.
 */
import path from 'node:path';
import { ShelfwatchError } from '../shared/errors/index.ts';
import { isSlot, type Slot } from '../shared/schedule/index.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

export interface SavedClock {
  readonly firstSlot: Slot;
  readonly nextSlot: Slot;
}

export class ClockFileError extends ShelfwatchError {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(
      'invalid',
      'CLOCK_FILE_INVALID',
      `${file} ${problem}: delete it to start the clock again at the current hour (slots the folder already has create no runs again)`,
    );
    this.file = file;
  }
}

export class ClockFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'clock.json');
  }

  /** The clock saved in the folder; none when the file is absent (a new folder, or one from before). */
  load(): SavedClock | undefined {
    const parsed = readStateFile(this.file, (problem) => new ClockFileError(this.file, problem));
    return parsed === undefined ? undefined : validClock(this.file, parsed);
  }

  async save(clock: SavedClock): Promise<void> {
    await writeStateFile(this.file, { v: 1, ...clock });
  }
}

function validClock(file: string, parsed: unknown): SavedClock {
  const content = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (content.v !== 1) throw new ClockFileError(file, 'needs "v": 1');
  for (const field of ['firstSlot', 'nextSlot'] as const) {
    const value = content[field];
    if (typeof value !== 'string' || !isSlot(value)) {
      throw new ClockFileError(file, `has no valid "${field}" (a slot such as "2026-12-07T05:00Z")`);
    }
  }
  const { firstSlot, nextSlot } = content as { firstSlot: Slot; nextSlot: Slot };
  if (nextSlot < firstSlot) throw new ClockFileError(file, 'has a "nextSlot" before its "firstSlot"');
  return { firstSlot, nextSlot };
}
