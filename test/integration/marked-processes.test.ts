import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { killMarked, parentOf, processesMarked } from '../../local/marked-processes.ts';
import { eventually } from '../helpers/local-infrastructure.ts';
import { isAlive } from '../helpers/processes.ts';

// A worker that starts a detached grandchild (as puppeteer starts Chromium) and prints its pid.
const WORKER = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
grandchild.unref();
process.stdout.write(String(grandchild.pid) + '\\n');
setInterval(() => {}, 1000);
`;

describe('processes found by their marker', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  it('finds and kills what a killed worker started detached, which its process group misses', async () => {
    const marker = `test-${randomUUID()}`;
    const worker = spawn(process.execPath, ['-e', WORKER], {
      env: { ...process.env, SHELFWATCH_TEST_MARKER: marker },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const [line] = (await once(worker.stdout, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    try {
      assert.deepEqual(
        processesMarked('SHELFWATCH_TEST_MARKER', marker).sort(),
        [worker.pid, grandchild].sort(),
      );
      // A crash: the worker and its group are killed; the detached grandchild lives on, orphaned.
      process.kill(-(worker.pid ?? 0), 'SIGKILL');
      await once(worker, 'exit');
      assert.ok(isAlive(grandchild), 'the detached process survived its parent');
      assert.notEqual(parentOf(grandchild), worker.pid);
      assert.deepEqual(killMarked('SHELFWATCH_TEST_MARKER', marker), [grandchild]);
      await eventually(
        () => (processesMarked('SHELFWATCH_TEST_MARKER', marker).length === 0 ? true : undefined),
        {
          what: 'the orphan to be gone',
        },
      );
      assert.deepEqual(processesMarked('SHELFWATCH_TEST_MARKER', `${marker}-other`), []);
    } finally {
      for (const pid of [worker.pid, grandchild]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
