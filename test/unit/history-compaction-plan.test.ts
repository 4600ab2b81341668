/**
 * Which history files a compaction covers: due days (ended at least the grace period ago, UTC),
 * partitions of the table's layout only, a partition already down to one compacted file left
 * alone. Pure: named calendar dates, no clock read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHANGE_HISTORY,
  COMPACTION_GRACE_MS,
  dayOfFolder,
  dueDayFolders,
  isCompactedFile,
  isDayDue,
  planDayCompaction,
  SNAPSHOT_HISTORY,
} from '../../shared/history/index.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const snapshots = SNAPSHOT_HISTORY as never as Parameters<typeof planDayCompaction>[0];
const changes = CHANGE_HISTORY as never as Parameters<typeof planDayCompaction>[0];
const US = 'snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US';
const UK = 'snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=UK';

describe('which days are due for compaction', () => {
  it('a day is due once it ended the grace period ago, by UTC, and not a millisecond before', () => {
    assert.equal(COMPACTION_GRACE_MS, 2 * HOUR);
    assert.equal(isDayDue('2026-11-23', at('2026-11-24T02:00:00Z')), true);
    assert.equal(isDayDue('2026-11-23', at('2026-11-24T02:00:00Z') - 1), false);
    assert.equal(isDayDue('2026-11-23', at('2026-11-24T01:00:00Z')), false);
    assert.equal(isDayDue('2026-11-24', at('2026-11-24T23:59:00Z')), false, 'today is never due');
    assert.equal(isDayDue('2026-11-23', at('2026-11-24T00:30:00Z'), 0), true, 'grace 0: as soon as it ended');
  });

  it('keeps only dt= folders of due days, oldest first, and ignores other names', () => {
    const folders = [
      'dt=2026-11-24',
      'dt=2026-11-22',
      'notes',
      'dt=2026-13-45',
      'dt=2026-11-23',
      'dt=26-11-01',
    ];
    assert.deepEqual(dueDayFolders(folders, at('2026-11-24T03:00:00Z')), ['dt=2026-11-22', 'dt=2026-11-23']);
    assert.equal(dayOfFolder('dt=2026-11-23'), '2026-11-23');
    assert.equal(dayOfFolder('dt=2026-13-45'), undefined);
    assert.equal(dayOfFolder('platform=amazon'), undefined);
  });
});

describe('which files a compaction plan covers', () => {
  it('groups a day by partition and covers every visible Parquet file of each, compacted ones too', () => {
    const plans = planDayCompaction(snapshots, 'dt=2026-11-23', [
      `${US}/part-b.parquet`,
      `${US}/part-a.parquet`,
      `${US}/compacted-1.parquet`,
      `${UK}/part-c.parquet`,
    ]);
    assert.deepEqual(
      plans.map((plan) => [plan.partition, plan.day, plan.files]),
      [
        [UK, '2026-11-23', [`${UK}/part-c.parquet`]],
        [US, '2026-11-23', [`${US}/compacted-1.parquet`, `${US}/part-a.parquet`, `${US}/part-b.parquet`]],
      ],
    );
    assert.equal(plans[0]?.table, snapshots);
  });

  it('leaves alone a partition already down to one compacted file: compacting twice changes nothing', () => {
    const plans = planDayCompaction(snapshots, 'dt=2026-11-23', [
      `${US}/compacted-1.parquet`,
      `${UK}/part-c.parquet`,
    ]);
    assert.deepEqual(
      plans.map((plan) => plan.partition),
      [UK],
    );
    assert.equal(isCompactedFile(`${US}/compacted-1.parquet`), true);
    assert.equal(isCompactedFile(`${US}/part-compacted-1.parquet`), false);
  });

  it('never reads nor deletes a hidden staging copy, a non-Parquet file or a file outside the layout', () => {
    const plans = planDayCompaction(snapshots, 'dt=2026-11-23', [
      `${US}/.0b7c.tmp`,
      `${US}/.part-hidden.parquet`,
      `${US}/notes.txt`,
      'snapshots/v1/dt=2026-11-23/stray.parquet',
      'snapshots/v1/dt=2026-11-23/platform=amazon/stray.parquet',
      'snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US/deeper/part-x.parquet',
      'snapshots/v1/dt=2026-11-23/region=eu/marketplace=US/part-y.parquet',
      'snapshots/v1/dt=2026-11-24/platform=amazon/marketplace=US/part-z.parquet',
      `${US}/part-a.parquet`,
    ]);
    assert.deepEqual(
      plans.map((plan) => plan.files),
      [[`${US}/part-a.parquet`]],
    );
  });

  it('works from the table declaration: the changes table has its own prefix', () => {
    const file = 'changes/v1/dt=2026-11-23/platform=ozon/marketplace=RU/part-a.parquet';
    assert.deepEqual(
      planDayCompaction(changes, 'dt=2026-11-23', [file, `${US}/part-a.parquet`]).map((plan) => plan.files),
      [[file]],
    );
    assert.deepEqual(planDayCompaction(changes, 'not-a-day', [file]), []);
  });
});
