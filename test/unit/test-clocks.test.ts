/**
 * Guard against the next date bomb: tests that write records (integration, e2e and their
 * helpers) must not run the product on a calendar date — DynamoDB Local's TTL sweeper expires
 * what such a clock writes once the date is a retention period behind the real one. They use
 * test/helpers/clock.ts. Pure unit tests may name dates (schedule math on DST days): they write
 * nothing. `npm run test:shifted` is the run-time half of this guard.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const CALENDAR_CLOCK = /\b(?:Date\.parse|Date\.UTC|new Date)\(\s*['"`]?\d{4}/;

describe('test clocks', () => {
  it('integration, e2e and helper code never build a clock from a calendar date', () => {
    const files = globSync(['test/integration/**/*.ts', 'test/e2e/**/*.ts', 'test/helpers/**/*.ts']);
    assert.ok(files.length > 30, `found the test files (${files.length})`);
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          CALENDAR_CLOCK.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    assert.deepEqual(offenders, [], 'use thisHour()/today() from test/helpers/clock.ts instead');
  });

  it('recognizes the shapes a calendar clock takes', () => {
    for (const line of [
      "const T0 = Date.parse('2026-11-23T19:00:00Z');",
      'const t = Date.UTC(2026, 10, 23);',
      "const at = new Date('2026-11-22T15:00:00Z');",
    ])
      assert.ok(CALENDAR_CLOCK.test(line), line);
    for (const line of ["const slot = '2026-11-23T19:00Z';", 'const now = new Date(T0);', 'Date.parse(text)'])
      assert.ok(!CALENDAR_CLOCK.test(line), line);
  });
});
