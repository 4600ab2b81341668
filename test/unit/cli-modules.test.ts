/**
 * The CLI loads only what a command needs: `--help` and the commands that only talk HTTP to the
 * API load neither the AWS SDK nor DuckDB (nor zod, but for the two commands that validate
 * definitions locally). Each command runs as operators run it, `node cli/shelfwatch.ts ...`, with
 * a hook that records every module resolved (the technique of
 * test/integration/http-scraper-modules.test.ts). Commands that do need the SDK or DuckDB are
 * recorded the same way, so the patterns are known to match what they must.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');
const AWS_SDK = /\/node_modules\/@aws-sdk\//;
const DUCKDB = /\/node_modules\/@duckdb\//;
const ZOD = /\/node_modules\/zod\//;

/** Records every module URL resolved, and writes them as JSON to $RECORD_MODULES_TO at exit. */
const RECORDER = `
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
const resolved = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});
process.on('exit', () => writeFileSync(process.env.RECORD_MODULES_TO, JSON.stringify([...resolved])));
`;

interface Recorded {
  readonly code: number;
  readonly stderr: string;
  readonly modules: readonly string[];
}

describe('modules the shelfwatch CLI loads', () => {
  let scratch: string;
  let recorder: string;
  /** An endpoint nothing listens on: HTTP commands fail to connect (exit 1) after loading all they use. */
  let nowhere: string;
  let runs = 0;

  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'shelfwatch-cli-modules-'));
    recorder = path.join(scratch, 'recorder.mjs');
    writeFileSync(recorder, RECORDER);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    nowhere = `http://127.0.0.1:${port}`;
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const recorded = (args: readonly string[]): Promise<Recorded> => {
    const out = path.join(scratch, `modules-${++runs}.json`);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      XDG_CONFIG_HOME: path.join(scratch, 'no-config'),
      SHELFWATCH_ENDPOINT: nowhere,
      SHELFWATCH_TOKEN: `swk_${'0'.repeat(16)}_${'A'.repeat(43)}`,
      RECORD_MODULES_TO: out,
    };
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', pathToFileURL(recorder).href, CLI, ...args],
        { env, timeout: 60_000 },
        (error, _stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          try {
            resolve({ code, stderr, modules: JSON.parse(readFileSync(out, 'utf8')) as string[] });
          } catch (cause) {
            reject(new Error(`${args.join(' ')} recorded no modules (exit ${code}): ${stderr}`, { cause }));
          }
        },
      );
    });
  };

  const matching = (outcome: Recorded, pattern: RegExp) => outcome.modules.filter((url) => pattern.test(url));

  it("--help and a command's --help load commander and the CLI, and no AWS SDK, DuckDB or zod", async () => {
    for (const args of [['--help'], ['runs', 'list', '--help'], ['definitions', 'import', '--help']]) {
      const outcome = await recorded(args);
      assert.equal(outcome.code, 0, `${args.join(' ')}: ${outcome.stderr}`);
      assert.ok(
        outcome.modules.some((url) => url.endsWith('/cli/commands/runs.ts')),
        "the hook records the CLI's own modules",
      );
      assert.ok(outcome.modules.some((url) => url.includes('/node_modules/commander/')));
      assert.deepEqual(matching(outcome, AWS_SDK), [], `${args.join(' ')} loads no AWS SDK`);
      assert.deepEqual(matching(outcome, DUCKDB), [], `${args.join(' ')} loads no DuckDB`);
      assert.deepEqual(matching(outcome, ZOD), [], `${args.join(' ')} loads no zod`);
    }
  });

  it('commands that only talk HTTP to the API load no AWS SDK or DuckDB, and zod only to validate definitions', async () => {
    const httpOnly: [string[], boolean][] = [
      [['runs', 'list', '--status', 'FAILED'], false],
      [['runs', 'show', 'kettles-uk@2026-11-23T19:00Z'], false],
      [['definitions', 'list'], false],
      [['items', 'changes', 'amazon:UK:B0CHX1W1XY'], false],
      [['dlq', 'peek', 'high'], false],
      [['stats'], false],
      [['rules', 'list'], false],
      [['tokens', 'list'], false],
      [
        [
          'definitions',
          'add',
          '--id',
          'kettles-uk',
          '--platform',
          'amazon',
          '--marketplace',
          'UK',
          '--crawl-type',
          'search_result',
          '--target',
          'kettle',
          '--schedule',
          'every 6h',
        ],
        true,
      ],
    ];
    for (const [args, validates] of httpOnly) {
      const outcome = await recorded(args);
      assert.equal(outcome.code, 1, `${args.join(' ')} fails to connect: ${outcome.stderr}`);
      assert.match(outcome.stderr, /cannot reach/, args.join(' '));
      assert.deepEqual(matching(outcome, AWS_SDK), [], `${args.join(' ')} loads no AWS SDK`);
      assert.deepEqual(matching(outcome, DUCKDB), [], `${args.join(' ')} loads no DuckDB`);
      assert.equal(matching(outcome, ZOD).length > 0, validates, `${args.join(' ')}: zod loaded`);
    }
  });

  it('the commands that need them load the AWS SDK (tokens create --direct) and DuckDB (query)', async () => {
    const direct = await recorded(['tokens', 'create', '--direct']);
    assert.equal(direct.code, 2, direct.stderr);
    assert.match(direct.stderr, /--direct needs --stage/);
    assert.ok(matching(direct, AWS_SDK).length > 0, 'tokens create --direct loads the AWS SDK');
    const query = await recorded(['query', 'SELECT 1 AS one', '--history', scratch]);
    assert.equal(query.code, 0, query.stderr);
    assert.ok(matching(query, DUCKDB).length > 0, 'query loads DuckDB');
    assert.deepEqual(matching(query, AWS_SDK), [], 'a local query loads no AWS SDK');
  });
});
