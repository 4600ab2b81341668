import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CONTEXT_KEYS, ConfigurationError, type ContextKey, readConfig } from '../../infra/config.ts';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { QUEUES } from '../../shared/catalogue/index.ts';
import { catchUpHoursSetting, readExpansionSettings } from '../../shared/expansion/index.ts';
import { changeRetentionDaysSetting } from '../../shared/changes/settings.ts';
import { itemRetentionDaysSetting } from '../../shared/results/settings.ts';
import { runRetentionDaysSetting } from '../../shared/runs/settings.ts';

const DEFAULTS = { high: 10, normal: 5, low: 2 };
const read = (context: Partial<Record<ContextKey, unknown>>) => readConfig((key) => context[key], DEFAULTS);

describe('deployment configuration', () => {
  it('has working defaults with an empty context', () => {
    const config = read({});
    assert.equal(config.stage, 'dev');
    assert.deepEqual(config.maxConcurrency, DEFAULTS);
    assert.equal(config.removalPolicy, 'retain');
    assert.equal(config.alarmEmail, undefined);
  });

  it('accepts strings from the command line (-c key=value) for numbers', () => {
    const config = read({ maxConcurrencyLow: '4', logRetentionDays: '90', alarmEmail: 'a@b.example' });
    assert.equal(config.maxConcurrency.low, 4);
    assert.equal(config.logRetentionDays, 90);
    assert.equal(config.alarmEmail, 'a@b.example');
  });

  it('names every bad context key and why, in one error', () => {
    const error = (() => {
      try {
        read({
          stage: 'Prod!',
          maxConcurrencyHigh: 1,
          logRetentionDays: 8,
          alarmEmail: 'not-an-address',
          expanderSchedule: 'every hour',
          removalPolicy: 'keep',
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof ConfigurationError);
    for (const key of [
      'stage',
      'maxConcurrencyHigh',
      'logRetentionDays',
      'alarmEmail',
      'expanderSchedule',
      'removalPolicy',
    ]) {
      assert.ok(
        error.issues.some((issue) => issue.startsWith(`context "${key}"`)),
        `names ${key}: ${error.message}`,
      );
    }
  });
});

describe('settings shared by the environment and the context', () => {
  it("default alike in the concept's field, the context and the environment", () => {
    const config = read({});
    const environment = resourceEnvironment({});
    const runs = runRetentionDaysSetting.parse(undefined);
    const items = itemRetentionDaysSetting.parse(undefined);
    const catchUp = catchUpHoursSetting.parse(undefined);
    assert.deepEqual([runs, items, catchUp], [30, 90, 24]);
    assert.equal(config.runRetentionDays, runs);
    assert.equal(environment.runRetentionDays, runs);
    assert.equal(config.itemRetentionDays, items);
    assert.equal(environment.itemRetentionDays, items);
    const changes = changeRetentionDaysSetting.parse(undefined);
    assert.equal(changes, 90);
    assert.equal(config.changeRetentionDays, changes);
    assert.equal(environment.changeRetentionDays, changes);
    assert.equal(config.expanderCatchUpHours, catchUp);
    assert.equal(readExpansionSettings({}).catchUpHours, catchUp);
  });

  it('reject the same values in both, and the environment names the variable', () => {
    assert.throws(() => read({ expanderCatchUpHours: 169 }), ConfigurationError);
    assert.throws(
      () => readExpansionSettings({ SHELFWATCH_EXPANDER_CATCH_UP_HOURS: '169' }),
      /SHELFWATCH_EXPANDER_CATCH_UP_HOURS/,
    );
    assert.throws(() => read({ runRetentionDays: 0 }), ConfigurationError);
    assert.throws(
      () => resourceEnvironment({ SHELFWATCH_RUN_RETENTION_DAYS: '0' }),
      /SHELFWATCH_RUN_RETENTION_DAYS/,
    );
    assert.throws(
      () => resourceEnvironment({ SHELFWATCH_ITEM_RETENTION_DAYS: '1.5' }),
      /SHELFWATCH_ITEM_RETENTION_DAYS/,
    );
    assert.equal(resourceEnvironment({ SHELFWATCH_ITEM_RETENTION_DAYS: '7' }).itemRetentionDays, 7);
    assert.throws(() => read({ changeRetentionDays: 0 }), ConfigurationError);
    assert.throws(
      () => resourceEnvironment({ SHELFWATCH_CHANGE_RETENTION_DAYS: 'ninety' }),
      /SHELFWATCH_CHANGE_RETENTION_DAYS/,
    );
    assert.equal(resourceEnvironment({ SHELFWATCH_CHANGE_RETENTION_DAYS: '14' }).changeRetentionDays, 14);
    assert.equal(resourceEnvironment({ SHELFWATCH_RUN_RETENTION_DAYS: '' }).runRetentionDays, 30);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  // The table of the "Configure" section (other sections have tables of their own).
  const configure = readme.slice(
    readme.indexOf('\n## Configure'),
    readme.indexOf('\n## ', readme.indexOf('\n## Configure') + 1),
  );
  const rows = [...configure.matchAll(/^\| `([a-zA-Z]+)`\s*\|(.*)\|\s*$/gm)].map(
    (match) => [match[1] as ContextKey, match[2] as string] as const,
  );

  it('documents every context key, and no key that does not exist', () => {
    const documented = rows.map(([key]) => key);
    assert.deepEqual(documented.sort(), Object.keys(CONTEXT_KEYS).sort());
  });

  it('states the default the configuration applies, and none where there is none', () => {
    // The app's own concurrency defaults (infra/build-app.ts), not this file's test values.
    const config = readConfig(() => undefined, {
      high: QUEUES.high.maxConcurrency,
      normal: QUEUES.normal.maxConcurrency,
      low: QUEUES.low.maxConcurrency,
    });
    const applied: Partial<Record<ContextKey, string | number>> = {
      ...config,
      maxConcurrencyHigh: config.maxConcurrency.high,
      maxConcurrencyNormal: config.maxConcurrency.normal,
      maxConcurrencyLow: config.maxConcurrency.low,
      webhooks: config.webhooks?.join(','),
    };
    for (const [key, text] of rows) {
      const stated = /Default: `?([^`|]+?)`?\.\s*$/.exec(text.trim())?.[1];
      const value = applied[key];
      assert.equal(stated, value === undefined ? undefined : String(value), `README default of ${key}`);
    }
  });
});
