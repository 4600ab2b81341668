/**
 * `shelfwatch` as operators run it in the CLI tests: a child process against a real API server on
 * the file's local infrastructure, with the server's endpoint and the operator token in its
 * environment and a scratch home (no config file of the machine is read).
 *
 *   const cli = useShelfwatchCli(local, 'shelfwatch-cli-rules-');
 *   it('...', async () => { const outcome = await cli.shelfwatch(['rules', 'list']); });
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type ApiServer, startApiServer } from '../../local/api-server.ts';
import type { LocalInfrastructure } from '../../local/infrastructure.ts';
import { apiStage, type ApiStage } from './api.ts';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShelfwatchCli {
  /** The API stage the server answers from (set in `before`). */
  readonly api: () => ApiStage;
  readonly shelfwatch: (args: readonly string[]) => Promise<CliOutcome>;
}

/**
 * Starts the API server in `before` (after `seed`, which writes through the stage's stores) and
 * stops it in `after`, removing the scratch home.
 */
export function useShelfwatchCli(
  local: () => LocalInfrastructure,
  scratchPrefix: string,
  seed?: (api: ApiStage) => Promise<void>,
): ShelfwatchCli {
  let api: ApiStage | undefined;
  let server: ApiServer | undefined;
  let scratch: string | undefined;
  before(async () => {
    api = await apiStage(local());
    await seed?.(api);
    server = await startApiServer({ dependencies: api.deps });
    scratch = mkdtempSync(path.join(tmpdir(), scratchPrefix));
  });
  after(async () => {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  const started = () => {
    assert.ok(api && server && scratch, 'the CLI harness is used after its before hook');
    return { api, server, scratch };
  };
  return {
    api: () => started().api,
    shelfwatch: (args) => {
      const { api: stage, server: running, scratch: home } = started();
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'no-config'),
        SHELFWATCH_ENDPOINT: running.url,
        SHELFWATCH_TOKEN: stage.operatorToken,
      };
      return new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
    },
  };
}

/** The JSON an invocation printed; it must have exited 0. */
export function jsonOf<T>(outcome: CliOutcome): T {
  assert.equal(outcome.code, 0, `exit ${outcome.code}: ${outcome.stderr}${outcome.stdout}`);
  return JSON.parse(outcome.stdout) as T;
}
