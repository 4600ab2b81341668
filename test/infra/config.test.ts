import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CONTEXT_KEYS, ConfigurationError, type ContextKey, readConfig } from '../../infra/config.ts';

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

describe('the README', () => {
  it('documents every context key, and no key that does not exist', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    // The table of the "Configure" section (other sections have tables of their own).
    const configure = readme.slice(
      readme.indexOf('\n## Configure'),
      readme.indexOf('\n## ', readme.indexOf('\n## Configure') + 1),
    );
    const documented = [...configure.matchAll(/^\| `([a-zA-Z]+)`\s*\|/gm)].map((match) => match[1]);
    assert.deepEqual(documented.sort(), Object.keys(CONTEXT_KEYS).sort());
  });
});
