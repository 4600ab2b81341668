import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readCsvRecords, validateWatchList } from '../../shared/definitions/index.ts';
import { firingAlarmOf, throughputByHour } from '../../shared/monitoring/index.ts';
import { parseScheduleText, scheduleSchema, scheduleText } from '../../shared/schedule/index.ts';
import { localAlarmSource } from '../../local/alarm-evaluator.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cli/${name}`, import.meta.url), 'utf8');

/** RFC 4180 encoding, as a spreadsheet would write it. */
const encodeCell = (cell: string) =>
  /[",\r\n]/.test(cell) || cell === '' ? `"${cell.replaceAll('"', '""')}"` : cell;

describe('watch-list files', () => {
  it('reports every bad CSV row with its row, line, field and a message, and keeps the good rows', () => {
    const checked = validateWatchList(fixture('watch-list-mixed.csv'), 'csv');
    assert.equal(checked.rows, 8);
    assert.deepEqual(
      checked.valid.map((row) => [row.row, row.line, row.definition.id]),
      [
        [1, 2, 'kettles-uk'],
        [2, 3, 'ozon-phones'],
      ],
    );
    assert.equal(checked.valid[1]?.definition.target, 'https://www.ozon.ru/search/?text=phone,case');
    assert.deepEqual(checked.valid[0]?.definition.schedule, {
      kind: 'every',
      everyHours: 6,
      startHour: 2,
      timeZone: 'Europe/London',
    });
    assert.deepEqual(
      checked.issues.map((issue) => [issue.row, issue.line, issue.field]),
      [
        [3, 4, 'platform'],
        [4, 5, 'schedule'],
        [5, 6, 'schedule.timeZone'],
        [6, 7, 'marketplace'],
        [7, 8, 'id'],
        [8, 9, 'maxPages'],
      ],
    );
    for (const issue of checked.issues) assert.ok(issue.message.length > 10, issue.message);
  });

  it('reads optional columns, empty cells as defaults, and JSON arrays of API bodies', () => {
    const csv = validateWatchList(fixture('watch-list-good.csv'), 'csv');
    assert.deepEqual(csv.issues, []);
    const [kettles, tv, launch] = csv.valid.map((row) => row.definition);
    assert.equal(kettles?.marketplace, 'DE');
    assert.deepEqual(kettles?.params, { maxPages: 2, maxItems: 80 });
    assert.equal(kettles?.maxAttempts, 4);
    assert.equal(tv?.priority, 'normal');
    assert.equal(launch?.enabled, false);
    assert.deepEqual(launch?.schedule, { kind: 'once', at: '2026-12-01T08:00:00Z' });
    const json = validateWatchList(fixture('watch-list-good.json'), 'json');
    assert.deepEqual(json.issues, []);
    assert.equal(json.valid.length, 2);
    const bad = validateWatchList(fixture('watch-list-bad.json'), 'json');
    assert.deepEqual(
      bad.issues.map((issue) => [issue.row, issue.field]),
      [
        [2, 'schedule.everyHours'],
        [3, '(row)'],
        [4, '(row)'],
      ],
    );
  });

  it('refuses a header with unknown or missing columns before reading any row', () => {
    const checked = validateWatchList('id,platform,colour\nx,ozon,red\n', 'csv');
    assert.deepEqual(checked.valid, []);
    assert.deepEqual(
      checked.issues.map((issue) => [issue.row, issue.field]),
      [
        [0, '(header)'],
        [0, '(header)'],
      ],
    );
    assert.match(checked.issues[0]?.message ?? '', /unknown columns colour/);
    assert.match(
      checked.issues[1]?.message ?? '',
      /missing columns marketplace, crawlType, target, schedule/,
    );
    assert.match(validateWatchList('id,"x\n', 'csv').issues[0]?.message ?? '', /never closed/);
  });

  it('reads back any cells a spreadsheet writes: commas, quotes, line breaks, CRLF', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, newline) => {
          const width = rows[0]?.length ?? 2;
          const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? 'x'));
          const text = table.map((row) => row.map(encodeCell).join(',')).join(newline);
          const { records, error } = readCsvRecords(text);
          assert.equal(error, undefined);
          assert.deepEqual(
            records.map((record) => record.cells),
            table,
          );
        },
      ),
    );
  });

  it('never throws on arbitrary files, and names a row and field for every problem', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('csv' as const, 'json' as const),
        (text, format) => {
          const checked = validateWatchList(text, format);
          for (const issue of checked.issues) {
            assert.ok(issue.row >= 0 && issue.field.length > 0 && issue.message.length > 0);
          }
          assert.ok(checked.valid.length <= checked.rows);
        },
      ),
    );
  });

  it('writes every schedule as one line that reads back as the same schedule', () => {
    const every = fc.record({
      kind: fc.constant('every' as const),
      everyHours: fc.integer({ min: 1, max: 24 }),
      startHour: fc.integer({ min: 0, max: 23 }),
      timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'),
    });
    const once = fc
      .date({ min: new Date('2026-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((date) => ({ kind: 'once' as const, at: date.toISOString() }));
    fc.assert(
      fc.property(fc.oneof(every, once), (schedule) => {
        const text = scheduleText(schedule);
        assert.deepEqual(scheduleSchema.parse(parseScheduleText(text)), scheduleSchema.parse(schedule), text);
      }),
    );
    assert.equal(parseScheduleText('every day'), undefined);
    assert.deepEqual(parseScheduleText('EVERY 6 hours'), { kind: 'every', everyHours: 6 });
  });
});

describe('monitor page series and alarms', () => {
  it('buckets finished runs by hour with a success rate, and no rate for an empty hour', () => {
    const now = Date.parse('2026-11-23T19:05:00Z');
    const series = throughputByHour(
      [
        { status: 'SUCCEEDED', statusChangedAt: '2026-11-23T19:01:00.000Z', saved: 40 },
        { status: 'FAILED', statusChangedAt: '2026-11-23T19:02:00.000Z', saved: 5 },
        { status: 'SUCCEEDED', statusChangedAt: '2026-11-23T17:59:59.999Z', saved: 7 },
        { status: 'DEAD_LETTERED', statusChangedAt: '2026-11-23T17:00:00.000Z', saved: 0 },
        { status: 'SUCCEEDED', statusChangedAt: '2026-11-22T19:59:59.000Z', saved: 1000 },
      ],
      now,
      24,
    );
    assert.equal(series.hours.length, 24);
    assert.equal(series.from, '2026-11-22T20:00:00.000Z');
    assert.equal(series.to, '2026-11-23T20:00:00.000Z');
    const byHour = Object.fromEntries(series.hours.map((hour) => [hour.hour.slice(11, 13), hour]));
    assert.deepEqual(byHour['19'], {
      hour: '2026-11-23T19:00:00.000Z',
      succeeded: 1,
      failed: 1,
      items: 45,
      successRate: 0.5,
    });
    assert.equal(byHour['17']?.successRate, 0.5);
    assert.equal(byHour['17']?.items, 7);
    assert.equal(byHour['18']?.successRate, null);
    assert.equal(
      series.hours.reduce((sum, hour) => sum + hour.items, 0),
      52,
      'the run before the window is left out',
    );
  });

  it('describes the alarms the local evaluator has in ALARM with their deployed names and runbooks', async () => {
    const source = localAlarmSource('local', { firing: () => ['HighDeadLetters', 'NoSuchAlarm'] });
    const alarms = await source.firing();
    assert.equal(source.available, true);
    assert.deepEqual(alarms, [firingAlarmOf('local', 'HighDeadLetters')]);
    assert.equal(alarms[0]?.name, 'shelfwatch-local-HighDeadLetters');
    assert.ok(alarms[0]?.runbook);
  });
});
