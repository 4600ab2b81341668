import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../helpers/local-infrastructure.ts';
import { isAlive } from '../helpers/processes.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import { openHistoryReader } from '../../shared/history/index.ts';
import {
  deadLetterQueueName,
  queueName,
  webhookDeadLetterQueueName,
  webhookQueueName,
  type TableName,
  tableName,
  TABLES,
} from '../../shared/catalogue/index.ts';

const START = path.join(import.meta.dirname, '../../local/start.ts');

interface Started {
  readonly child: ChildProcess;
  output(): string;
}

function start(args: string[]): Started {
  const child = spawn(process.execPath, [START, '--api-port', '0', '--shop-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
  }
  return { child, output: () => output };
}

const ready = (started: Started) =>
  eventually(() => (started.output().includes('Press Ctrl-C to stop.') ? true : undefined), {
    timeoutMs: 90_000,
    what: `npm start to be ready; output so far:\n${started.output()}`,
  });

/** Ctrl-C; resolves with the exit code. */
async function interrupt(started: Started): Promise<number | null> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  return code;
}

/** Every process below `pid` (the scraper workers and their Chromium included). */
function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid !== parent) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

const tokenOf = (output: string): string | undefined => /operator token\s+(swk_\S+)/.exec(output)?.[1];

describe('npm start', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-start-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('lists every table and queue, scrapes the demo watch list, and leaves nothing running after Ctrl-C', async () => {
    const started = start(['--in-memory', '--stage', 'starttest']);
    try {
      await ready(started);
      const output = started.output();
      for (const table of Object.keys(TABLES) as TableName[]) {
        assert.ok(output.includes(tableName('starttest', table)), `lists table ${table}`);
      }
      for (const priority of PRIORITIES) {
        assert.ok(output.includes(queueName('starttest', priority)), `lists queue ${priority}`);
        assert.ok(output.includes(queueName('starttest', priority, 'http')), `lists HTTP queue ${priority}`);
        assert.ok(output.includes(deadLetterQueueName('starttest', priority)), `lists DLQ ${priority}`);
      }
      assert.ok(output.includes(webhookQueueName('starttest')), 'lists the webhooks queue');
      assert.ok(output.includes(webhookDeadLetterQueueName('starttest')), 'lists the webhooks DLQ');
      assert.match(output, /Watch list: 10 demo definitions created/);
      const dynamoPid = Number(/\(pid (\d+)\)/.exec(output)?.[1]);
      assert.ok(isAlive(dynamoPid), 'DynamoDB Local runs');

      // Items arrive: the progress line counts them from the run events.
      await eventually(() => (/items saved: [1-9]\d*/.test(started.output()) ? true : undefined), {
        timeoutMs: 90_000,
        what: `items to be saved; output so far:\n${started.output()}`,
      });
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const token = tokenOf(output);
      const runs = await fetch(`${api}/runs?status=SUCCEEDED`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(runs.status, 200, 'the API answers with the printed token');
      const { runs: succeeded } = (await runs.json()) as { runs: unknown[] };
      assert.ok(succeeded.length > 0, 'and lists the succeeded runs');
      const processes = descendantsOf(started.child.pid ?? -1);
      assert.ok(processes.length >= 2, 'DynamoDB Local and at least one scraper process run below npm start');

      const code = await interrupt(started);
      assert.equal(code, 0, started.output());
      assert.match(started.output(), /Nothing is left running/);
      // A process killed during the stop ends a moment later (the kernel reaps it): poll, briefly.
      const left = await eventually(
        () => (processes.some((pid) => isAlive(pid)) ? undefined : ([] as number[])),
        { timeoutMs: 10_000, what: 'the processes below npm start to end' },
      ).catch(() => processes.filter((pid) => isAlive(pid)));
      assert.deepEqual(left, [], 'no emulator, scraper or Chromium process is left');
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
    }
  });

  it('keeps data, the history and the operator token between starts in the folder it names, and --reset clears them', async () => {
    const dataDir = path.join(folder, 'data');
    const first = start(['--data-dir', dataDir, '--stage', 'keep']);
    await ready(first);
    assert.match(first.output(), /Watch list: 10 demo definitions created/);
    assert.ok(first.output().includes(path.join(dataDir, 'operator-token')), 'names where the token is kept');
    const token = tokenOf(first.output());
    await eventually(() => (/items saved: [1-9]\d*/.test(first.output()) ? true : undefined), {
      timeoutMs: 90_000,
      what: `items to be saved; output so far:\n${first.output()}`,
    });
    assert.equal(await interrupt(first), 0, first.output());
    // The stop's last history pass has copied the saved snapshots to Parquet in the data folder.
    const history = await openHistoryReader(path.join(dataDir, 'history'));
    try {
      const [row] = await history.rows(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs FROM snapshots`,
      );
      assert.ok(
        Number(row?.n) > 0 && Number(row?.runs) > 0,
        `snapshots in ${dataDir}/history: ${JSON.stringify(row)}`,
      );
    } finally {
      history.close();
    }

    const second = start(['--data-dir', dataDir, '--stage', 'keep']);
    await ready(second);
    assert.match(second.output(), /Watch list: kept from the last start/);
    assert.equal(tokenOf(second.output()), token, 'the same token works again');
    assert.equal(await interrupt(second), 0, second.output());
    // The changes pump resumed where the first start stopped: no change event twice.
    assert.ok(existsSync(path.join(dataDir, 'streams', 'notifier.json')), 'the changes pump kept its place');
    const changeEvents = readFileSync(path.join(dataDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { detail: { itemKey?: string; changeId?: string } }).detail)
      .flatMap((detail) => (detail.changeId ? [`${detail.itemKey} ${detail.changeId}`] : []));
    assert.ok(changeEvents.length > 0, 'change events (first sightings at least) in events.jsonl');
    assert.equal(new Set(changeEvents).size, changeEvents.length, 'no change event emitted twice');

    const third = start(['--data-dir', dataDir, '--stage', 'keep', '--reset']);
    await ready(third);
    assert.match(third.output(), /Reset: deleted/);
    assert.match(third.output(), /Watch list: 10 demo definitions created/);
    assert.notEqual(tokenOf(third.output()), token, 'a new token after a reset');
    assert.equal(await interrupt(third), 0, third.output());
  });

  for (const [server, option] of [
    ['demo shop', '--shop-port'],
    ['API', '--api-port'],
  ] as const) {
    it(`says which port is taken and which option picks another when the ${server}'s port is in use, and leaves nothing running`, async () => {
      const occupant = createServer((_request, response) => response.end('taken'));
      occupant.listen(0, '127.0.0.1');
      await once(occupant, 'listening');
      const { port } = occupant.address() as AddressInfo;
      try {
        const started = start([option, String(port), '--in-memory', '--stage', 'porttest']);
        // Every process started below npm start, seen while it runs (emulators, scrapers, Chromium).
        const seen = new Set<number>();
        const watch = setInterval(() => {
          for (const pid of descendantsOf(started.child.pid ?? -1)) seen.add(pid);
        }, 50);
        const [code] = (await once(started.child, 'exit')) as [number | null];
        clearInterval(watch);
        const output = started.output();
        assert.equal(code, 1, output);
        assert.ok(output.includes(`port ${port}`), `names the port taken:\n${output}`);
        assert.ok(output.includes(`${option} <port>`), `names the option that picks another:\n${output}`);
        assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
        assert.doesNotMatch(output, /Unhandled 'error' event|node:events/, 'no unhandled error event');
        assert.ok(seen.size >= 1, 'DynamoDB Local was started before the port was tried');
        const left = await eventually(
          () => ([...seen].some((pid) => isAlive(pid)) ? undefined : ([] as number[])),
          { timeoutMs: 10_000, what: 'the processes npm start started to end' },
        ).catch(() => [...seen].filter((pid) => isAlive(pid)));
        assert.deepEqual(left, [], 'no emulator, scraper or Chromium process is left');
        const still = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await still.text(), 'taken', 'the server that held the port is untouched');
      } finally {
        occupant.close();
      }
    });
  }

  it('refuses an unknown flag or a bad value with exit code 2 and the usage, starting nothing', () => {
    for (const [args, message] of [
      [['--speeed', '10'], /Unknown option '--speeed'/],
      [['--slot-every', '0.5'], /--slot-every must be a whole number from 5 to 3600/],
    ] as const) {
      const result = spawnSync(process.execPath, [START, ...args], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage: npm start/);
    }
  });
});
