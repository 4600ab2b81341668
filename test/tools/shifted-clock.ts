/**
 * Runs test files with the whole machine's clock far from today — Node, DynamoDB Local's Java
 * and Chromium alike, through libfaketime (Debian package `faketime`) — to prove that no test
 * depends on the real date (a fixed clock in the past loses its records to DynamoDB Local's TTL
 * sweeper; a calendar date in a test turns into a date bomb).
 *
 *   npm run test:shifted                              # +400 days, the stores' and API's files
 *   npm run test:shifted -- "test/**\/*.test.ts"      # +400 days, the whole suite
 *   SHELFWATCH_CLOCK_SHIFT=+3000d npm run test:shifted
 *
 * Without arguments it runs the unit tests and the integration files of everything that writes
 * records with a TTL (the stores, the domain budget, expander, monitor, leases, the API): the
 * files that lost records to the sweeper, in a few minutes, so CI (`.ci/run`) can afford it.
 * `test/unit/test-clocks.test.ts` is the static half of the guard. Exits 2 with the install
 * command when libfaketime is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';

/** Integration files whose records carry a TTL (`expiresAt`) written from the test's clock. */
const KEEPS_RECORDS =
  /(-store|domain-budget|expander|monitor|lease-interleavings|api-(?!fuzz))[^/]*\.test\.ts$/;

const LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
];
export const DEFAULT_SHIFT = '+400d';

const library = LIBRARIES.find((path) => existsSync(path));
if (!library) {
  process.stderr.write(
    'libfaketime is not installed: run `apt-get install -y faketime` (Debian), then run this again.\n',
  );
  process.exit(2);
}
const shift = process.env.SHELFWATCH_CLOCK_SHIFT ?? DEFAULT_SHIFT;
if (!/^[+-]\d+[dhm]$/.test(shift)) {
  process.stderr.write(`SHELFWATCH_CLOCK_SHIFT must look like +400d, -30d or +12h (got "${shift}")\n`);
  process.exit(2);
}
const files = process.argv.slice(2);
const patterns =
  files.length > 0
    ? files
    : [
        'test/unit/**/*.test.ts',
        ...globSync('test/integration/*.test.ts')
          .filter((file) => KEEPS_RECORDS.test(file))
          .sort(),
      ];
const shifted = new Date(Date.now() + parseShiftMs(shift)).toISOString();
process.stdout.write(`Clock shifted by ${shift}: ${patterns.length} file pattern(s) see ${shifted}\n`);

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=300000', ...patterns],
  {
    stdio: 'inherit',
    // A relative FAKETIME ("+400d") is inherited by every child: test files, Java, Chromium.
    env: { ...process.env, LD_PRELOAD: library, FAKETIME: shift },
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

function parseShiftMs(value: string): number {
  const amount = Number(value.slice(0, -1));
  const unit = value.at(-1);
  return amount * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
}
