import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  deadLetterQueueName,
  PRIORITIES,
  queueName,
  TABLES,
  type TableName,
  tableName,
} from '../../shared/aws/index.ts';
import { eventually } from '../helpers/local-infrastructure.ts';
import { isAlive } from '../helpers/processes.ts';

const START = path.join(import.meta.dirname, '../../local/start.ts');

describe('npm start', () => {
  it('starts the emulators, lists every table and queue, and leaves nothing running after Ctrl-C', async () => {
    const child = spawn(process.execPath, [START, '--in-memory', '--stage', 'starttest'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    try {
      await eventually(() => (output.includes('Press Ctrl-C to stop.') ? true : undefined), {
        timeoutMs: 60_000,
        what: `npm start to be ready; output so far:\n${output}`,
      });
      for (const table of Object.keys(TABLES) as TableName[]) {
        assert.ok(output.includes(tableName('starttest', table)), `lists table ${table}`);
      }
      for (const priority of PRIORITIES) {
        assert.ok(output.includes(queueName('starttest', priority)), `lists queue ${priority}`);
        assert.ok(output.includes(deadLetterQueueName('starttest', priority)), `lists DLQ ${priority}`);
      }
      const pid = Number(/\(pid (\d+)\)/.exec(output)?.[1]);
      assert.ok(isAlive(pid), 'DynamoDB Local runs');

      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, output);
      assert.match(output, /Nothing is left running/);
      assert.equal(isAlive(pid), false, 'DynamoDB Local was stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses an unknown flag with exit code 2 and the usage, starting nothing', () => {
    const result = spawnSync(process.execPath, [START, '--speeed', '10'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown option '--speeed'/);
    assert.match(result.stderr, /Usage: npm start/);
  });
});
