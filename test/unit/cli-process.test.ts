/**
 * The shelfwatch CLI as a process: `--version` prints the package's version, and a reader that
 * goes away (`shelfwatch … | head`) ends the CLI quietly instead of with an EPIPE stack trace.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');
const { version } = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
) as { version: string };

describe('the shelfwatch process', () => {
  it('prints the version of package.json for --version and -V, and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, flag]);
      assert.equal(stdout, `${version}\n`, flag);
    }
  });

  it('ends with exit code 0 and no stack trace when its reader has gone (`| head`)', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end is closed before the CLI has started: its first write meets EPIPE.
    child.stdout.destroy();
    const [stderr, code] = await Promise.all([
      text(child.stderr),
      new Promise<number | null>((resolve) => child.once('exit', resolve)),
    ]);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
    assert.equal(code, 0);
  });
});
