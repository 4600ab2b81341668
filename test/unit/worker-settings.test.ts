import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_WORKER_LEASE_MS, workerLeaseMinutesSetting } from '../../shared/workers/settings.ts';

describe("the worker's lease", () => {
  it('is 30 minutes, as seed 004 releases a task, and the README says so', () => {
    const minutes = workerLeaseMinutesSetting.parse(undefined);
    assert.equal(minutes, 30);
    assert.equal(DEFAULT_WORKER_LEASE_MS, minutes * 60_000);
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const stated = [...readme.matchAll(/(\d+)-minute lease/g)].map((match) => Number(match[1]));
    assert.deepEqual(stated, [minutes]);
  });
});
