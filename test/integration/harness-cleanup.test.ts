import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { liveEmulatorProcessCount } from '../../local/emulators.ts';
import { startLocalInfrastructure } from '../../local/infrastructure.ts';
import { eventually } from '../helpers/local-infrastructure.ts';
import { isAlive } from '../helpers/processes.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/harness/suite-that-fails.ts');

function runFixture(mode: 'fail' | 'exit'): { status: number | null; pid: number } {
  const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-harness-'));
  try {
    const pidFile = path.join(folder, 'pid');
    // NODE_TEST_CONTEXT would make the child report to this runner instead of running on its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const result = spawnSync(process.execPath, ['--test', FIXTURE], {
      env: { ...env, SHELFWATCH_FIXTURE_PID_FILE: pidFile, SHELFWATCH_FIXTURE_MODE: mode },
      encoding: 'utf8',
      timeout: 120_000,
    });
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8'));
    } catch (error) {
      throw new Error(`the fixture wrote no pid:\n${result.stdout}\n${result.stderr}`, { cause: error });
    }
    return { status: result.status, pid };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the local infrastructure when a start fails', () => {
  it('stops the emulator that did start when the other one fails', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-failing-start-'));
    try {
      writeFileSync(path.join(folder, 'fauxqs'), 'a file where fauxqs wants a folder');
      const before = liveEmulatorProcessCount();
      await assert.rejects(startLocalInfrastructure({ dataDir: folder }));
      await eventually(() => (liveEmulatorProcessCount() === before ? true : undefined), {
        what: 'DynamoDB Local to be stopped',
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the test harness', () => {
  it('stops the DynamoDB Local process it started when a test fails', async () => {
    const { status, pid } = runFixture('fail');
    assert.notEqual(status, 0, 'the fixture suite fails');
    assert.ok(pid > 0);
    await eventually(() => (isAlive(pid) ? undefined : true), { what: `process ${pid} to end` });
  });

  it('kills the DynamoDB Local process it started when the test process exits abruptly', async () => {
    const { status, pid } = runFixture('exit');
    assert.notEqual(status, 0);
    await eventually(() => (isAlive(pid) ? undefined : true), { what: `process ${pid} to end` });
  });
});
