/**
 * `shelfwatch export` and `shelfwatch query` over a history folder, run as the real command:
 * each export format round-trips (read back with DuckDB, equal to the de-duplicated view), the
 * window and definition filters hold, bad flags are named, an existing file is never overwritten.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  FolderHistoryDestination,
  type HistoryReader,
  openHistoryReader,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';
import { DAY_MS, HOUR_MS, isoMinute, MINUTE_MS, today } from '../helpers/clock.ts';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');
const run = promisify(execFile);

const YESTERDAY = today() - DAY_MS;
const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

function snapshotsOf(
  definitionId: string,
  slotMs: number,
  price: number,
  capturedAfterMs = 5 * MINUTE_MS,
): ItemSnapshot[] {
  const slot = isoMinute(slotMs);
  const source = {
    runId: `${definitionId}@${slot}`,
    definitionId,
    slot,
    platform: 'ozon',
    marketplace: 'RU',
    crawlType: 'category',
    pageNumber: 1,
    capturedBy: 'scraper',
  };
  return Array.from({ length: 4 }, (_, n) =>
    snapshotOf(
      source,
      { id: `SKU${n}`, title: `Чайник, "${n}"`, price: price + n, currency: 'RUB', position: n + 1 },
      slotMs + capturedAfterMs,
      90,
    ),
  );
}

async function shelfwatch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('shelfwatch export and query over the local history', () => {
  let root: string;
  let history: string;
  let reader: HistoryReader;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-cli-'));
    history = path.join(root, 'history');
    const destination = new FolderHistoryDestination(history);
    // Yesterday 10:00 and 23:00, today 01:00, for two definitions; the 10:00 page delivered twice.
    await writeHistory(
      SNAPSHOT_HISTORY,
      [
        ...snapshotsOf('kettles', YESTERDAY + 10 * HOUR_MS, 100),
        ...snapshotsOf('kettles', YESTERDAY + 23 * HOUR_MS, 200, 70 * MINUTE_MS), // read after midnight
        ...snapshotsOf('kettles', today() + HOUR_MS, 300),
        ...snapshotsOf('mugs', YESTERDAY + 10 * HOUR_MS, 400),
      ],
      destination,
    );
    await writeHistory(
      SNAPSHOT_HISTORY,
      snapshotsOf('kettles', YESTERDAY + 10 * HOUR_MS, 150, 30 * MINUTE_MS),
      destination,
    );
    reader = await openHistoryReader(history);
  });
  after(async () => {
    reader.close();
    await rm(root, { recursive: true, force: true });
  });

  const readBack: Record<string, (file: string) => string> = {
    csv: (file) => `read_csv('${file}', header = true, all_varchar = true)`,
    jsonl: (file) => `read_json('${file}', format = 'newline_delimited')`,
    parquet: (file) => `read_parquet('${file}')`,
  };

  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    it(`exports ${format} that reads back equal to the de-duplicated view for the window`, async () => {
      const out = path.join(root, `kettles.${format}`);
      const { code, stdout } = await shelfwatch(
        'export',
        '--history',
        history,
        '--since',
        day(YESTERDAY),
        '--until',
        `${day(today())}T01:00Z`,
        '--definition',
        'kettles',
        '--format',
        format,
        '--out',
        out,
      );
      assert.equal(code, 0, stdout);
      assert.match(stdout, new RegExp(`^8 rows written to ${out}`));
      // Compared as text, so the three formats are held to the same values.
      const columns = 'item_key, snapshot_id, price::VARCHAR AS price, title, dt, platform';
      const exported = await reader.rows(
        `SELECT ${columns} FROM ${readBack[format]!(out)} ORDER BY snapshot_id, item_key`,
      );
      const expected = await reader.rows(
        `SELECT ${columns} FROM snapshots WHERE definition_id = 'kettles' AND slot < '${day(today())}T01:00Z' ORDER BY snapshot_id, item_key`,
      );
      assert.equal(expected.length, 8);
      assert.deepEqual(exported, expected);
      assert.deepEqual(
        exported.filter((row) => row.item_key === 'ozon#RU#SKU0').map((row) => Number(row.price)),
        [150, 200], // the later copy of the 10:00 page; 23:00 read after midnight stays in its slot's day
      );
    });
  }

  it('never overwrites a file', async () => {
    const out = path.join(root, 'exists.csv');
    await writeFile(out, 'keep me');
    const { code, stderr } = await shelfwatch(
      'export',
      '--history',
      history,
      '--since',
      day(YESTERDAY),
      '--until',
      day(today()),
      '--format',
      'csv',
      '--out',
      out,
    );
    assert.equal(code, 1);
    assert.match(stderr, /exists: name a new file/);
  });

  it('names the flag of a bad window or format, and writes nothing', async () => {
    const out = path.join(root, 'never.csv');
    const cases: [string[], RegExp][] = [
      [['--since', '2026-13-45', '--until', day(today()), '--format', 'csv'], /--since: is not a date/],
      [
        ['--since', '2026-12-01T19:30Z', '--until', day(today()), '--format', 'csv'],
        /--since: expected a day/,
      ],
      [
        ['--since', day(today()), '--until', day(YESTERDAY), '--format', 'csv'],
        /--until: must be after since/,
      ],
      [
        ['--since', day(YESTERDAY), '--until', day(today()), '--format', 'xml'],
        /--format: .*csv.*jsonl.*parquet/,
      ],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await shelfwatch('export', '--history', history, ...flags, '--out', out);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.equal(stderr.match(new RegExp(message.source, 'g'))?.length, 1, `said once: ${stderr}`);
    }
    assert.equal(existsSync(out), false, 'no file was written');
  });

  it('answers a query as JSON, bounded by --max-rows, and reports a bad query as input', async () => {
    const daily = await shelfwatch(
      '--json',
      'query',
      '--history',
      history,
      'SELECT dt, definition_id, min(price) AS low, max(price) AS high, count(*)::INTEGER AS n FROM snapshots GROUP BY ALL ORDER BY ALL',
    );
    assert.equal(daily.code, 0, daily.stderr);
    const answer = JSON.parse(daily.stdout) as { rows: unknown[]; truncated: boolean };
    assert.deepEqual(answer.rows, [
      { dt: day(YESTERDAY), definition_id: 'kettles', low: 150, high: 203, n: 8 },
      { dt: day(YESTERDAY), definition_id: 'mugs', low: 400, high: 403, n: 4 },
      { dt: day(today()), definition_id: 'kettles', low: 300, high: 303, n: 4 },
    ]);
    assert.equal(answer.truncated, false);

    const bounded = await shelfwatch(
      'query',
      '--history',
      history,
      '--max-rows',
      '2',
      'SELECT * FROM snapshots_raw',
    );
    assert.equal(bounded.code, 0, bounded.stderr);
    assert.equal(bounded.stdout.trim().split('\n').length, 1 + 2 + 1); // header, 2 rows, the note
    assert.match(bounded.stdout, /first 2 rows/);

    const bad = await shelfwatch('query', '--history', history, 'SELECT nope FROM snapshots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /the history query failed: .*nope/);
  });
});
