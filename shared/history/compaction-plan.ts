/**
 * Which history files a compaction replaces: pure, over the paths a listing returned.
 *
 * A day is due once it ended `graceMs` ago (UTC): late stream records for a day still arrive
 * for a while after midnight (the mappings batch for up to two minutes and retry for longer).
 * Of a due day, each partition (`dt=…/platform=…/marketplace=…`) with more than one file, or
 * with one file that a writer made, is compacted into one `compacted-<uuid>.parquet`. A
 * partition already down to one compacted file is left alone, so compacting twice changes
 * nothing the second time.
 */
import { type HistoryTable, tablePrefixOf } from './history-table.ts';

/** Days that ended at least this long ago are compacted (docs/history.md, "Compaction"). */
export const COMPACTION_GRACE_MS = 2 * 3_600_000;
/** A compacted file's name starts so; a writer's starts `part-` (parquet-writer.ts). */
export const COMPACTED_FILE_PREFIX = 'compacted-';

const DAY_MS = 86_400_000;
const DAY_FOLDER = /^dt=(\d{4}-\d{2}-\d{2})$/;

/** One partition of one day, and the files (listed, relative paths) its compacted file replaces. */
export interface PartitionCompaction {
  readonly table: HistoryTable<never>;
  /** The partition's folder: `snapshots/v1/dt=2026-12-01/platform=amazon/marketplace=US`. */
  readonly partition: string;
  readonly day: string;
  readonly files: readonly string[];
}

/** The day of a `dt=YYYY-MM-DD` folder, or undefined for any other name. */
export function dayOfFolder(folder: string): string | undefined {
  const day = DAY_FOLDER.exec(folder)?.[1];
  return day !== undefined && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? day : undefined;
}

/** Whether the UTC day `day` (YYYY-MM-DD) ended at least `graceMs` before `nowMs`. */
export function isDayDue(day: string, nowMs: number, graceMs = COMPACTION_GRACE_MS): boolean {
  return Date.parse(`${day}T00:00:00Z`) + DAY_MS + graceMs <= nowMs;
}

/** The `dt=` folders among `folders` whose day is due, oldest first. */
export function dueDayFolders(
  folders: readonly string[],
  nowMs: number,
  graceMs = COMPACTION_GRACE_MS,
): string[] {
  return folders
    .filter((folder) => {
      const day = dayOfFolder(folder);
      return day !== undefined && isDayDue(day, nowMs, graceMs);
    })
    .sort();
}

/** Whether a file name is a compacted file's. */
export const isCompactedFile = (relativePath: string): boolean =>
  baseNameOf(relativePath).startsWith(COMPACTED_FILE_PREFIX);

/**
 * The partitions of one day folder to compact, from the files listed under it. Only visible
 * Parquet files in a partition folder of the table's layout count: a hidden staging copy
 * (`.<uuid>.tmp`) or a stray file elsewhere is never read nor deleted.
 */
export function planDayCompaction(
  table: HistoryTable<never>,
  dayFolder: string,
  listed: readonly string[],
): PartitionCompaction[] {
  const day = dayOfFolder(dayFolder);
  if (day === undefined) return [];
  const dayPrefix = `${tablePrefixOf(table)}/${dayFolder}/`;
  const otherKeys = table.partitionKeys.filter((key) => key.name !== 'dt');
  const byPartition = new Map<string, string[]>();
  for (const file of listed) {
    if (!file.startsWith(dayPrefix)) continue;
    const segments = file.slice(dayPrefix.length).split('/');
    const name = segments.pop() ?? '';
    const inLayout =
      segments.length === otherKeys.length &&
      segments.every((segment, index) => segment.startsWith(`${otherKeys[index]?.name}=`));
    if (!inLayout || name.startsWith('.') || !name.endsWith('.parquet')) continue;
    const partition = `${dayPrefix}${segments.join('/')}`;
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), file]);
  }
  return [...byPartition.entries()]
    .filter(([, files]) => !(files.length === 1 && isCompactedFile(files[0] ?? '')))
    .map(([partition, files]) => ({ table, partition, day, files: files.sort() }))
    .sort((a, b) => a.partition.localeCompare(b.partition));
}

const baseNameOf = (relativePath: string): string => relativePath.slice(relativePath.lastIndexOf('/') + 1);
