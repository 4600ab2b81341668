/**
 * The CLI loads only what a command needs: `--help` and the commands that only talk HTTP to the
 * API load neither the AWS SDK nor DuckDB (nor zod, but for the two commands that validate
 * definitions locally). Each command runs as operators run it, `node cli/shelfwatch.ts ...`, with
 * a hook that records every module resolved (the technique of
 * test/integration/http-scraper-modules.test.ts). Commands that do need the SDK or DuckDB are
 * recorded the same way, so the patterns are known to match what they must. A command loads only
 * its own module of cli/commands (COMMAND_MODULES in cli/shelfwatch.ts); the root's help, all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { COMMAND_MODULES, commandNamed } from '../../cli/shelfwatch.ts';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');
const AWS_SDK = /\/node_modules\/@aws-sdk\//;
const DUCKDB = /\/node_modules\/@duckdb\//;
const ZOD = /\/node_modules\/zod\//;
const COMMAND_MODULE = /\/cli\/commands\/([a-z-]+)\.ts$/;

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
        outcome.modules.some((url) => COMMAND_MODULE.test(url)),
        "the hook records the CLI's own modules",
      );
      assert.ok(outcome.modules.some((url) => url.includes('/node_modules/commander/')));
      assert.deepEqual(matching(outcome, AWS_SDK), [], `${args.join(' ')} loads no AWS SDK`);
      assert.deepEqual(matching(outcome, DUCKDB), [], `${args.join(' ')} loads no DuckDB`);
      assert.deepEqual(matching(outcome, ZOD), [], `${args.join(' ')} loads no zod`);
    }
  });

  it("a command's run loads its own command module only; the root's help loads them all", async () => {
    const commandModules = (outcome: Recorded) =>
      outcome.modules.flatMap((url) => COMMAND_MODULE.exec(url)?.[1] ?? []).sort();
    const [root, runs, importHelp, typo] = [
      await recorded(['--help']),
      await recorded(['--json', '--endpoint', nowhere, 'runs', 'list', '--status', 'FAILED']),
      await recorded(['defs', 'import', '--help']),
      await recorded(['rnus', 'list']),
    ];
    const every = [
      'definitions',
      'definitions-import',
      'history',
      'items',
      'operations',
      'rules',
      'runs',
      'tokens',
    ];
    assert.deepEqual(commandModules(root), every);
    assert.deepEqual(commandModules(runs), ['runs']);
    assert.deepEqual(commandModules(importHelp), ['definitions', 'definitions-import']);
    // An unknown command loads them all, so commander can suggest the one meant.
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /Did you mean runs\?/);
    assert.deepEqual(commandModules(typo), every);
  });

  it('the command table names exactly the top-level commands and aliases each module declares', async () => {
    for (const entry of COMMAND_MODULES) {
      const program = new Command('shelfwatch');
      (await entry.load())(program);
      const declared = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
      assert.deepEqual([...declared].sort(), [...entry.commands].sort());
    }
  });

  it('finds the command past the root options and their values; help or -- before it loads every module', () => {
    assert.equal(commandNamed(['runs', 'list']), 'runs');
    assert.equal(commandNamed(['--json', '--endpoint', 'http://x', '--token', 'swk_1', 'stats']), 'stats');
    assert.equal(commandNamed(['--config', 'runs', 'defs', 'list']), 'defs', 'a value is not a command');
    assert.equal(commandNamed(['--endpoint=http://x', 'items']), 'items');
    assert.equal(commandNamed(['-h', 'runs']), undefined);
    assert.equal(commandNamed(['--help', 'runs', 'list']), undefined);
    assert.equal(commandNamed(['--', 'runs']), undefined);
    assert.equal(commandNamed(['--json']), undefined);
    assert.equal(commandNamed(['runs', '--help']), 'runs');
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
