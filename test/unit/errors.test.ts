/**
 * Every error class of the product, found by reading the source tree, extends ShelfwatchError and
 * carries a kind; the kind alone decides the API's status and the CLI's exit code. A new error
 * class fails this test until it is added to SAMPLES below with the kind it should have.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT_CODE_OF_KIND, kindOfStatus } from '../../cli/exit-codes.ts';
import { errorAnswer } from '../../shared/api/errors.ts';
import { ERROR_KINDS, type ErrorKind, ShelfwatchError } from '../../shared/errors/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** test/ holds no product errors; web/ is the browser's client, which cannot import shared/. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'test', 'web', 'cdk.out', 'coverage']);
/** The root itself: its kind is chosen by each subclass. */
const BASE = 'ShelfwatchError';

/** What the API answers and the CLI exits with for each kind, as docs/api.md and cli/exit-codes.ts say. */
const EXPECTED: Record<ErrorKind, { status: number; exitCode: number }> = {
  invalid: { status: 400, exitCode: 2 },
  unauthorized: { status: 401, exitCode: 3 },
  forbidden: { status: 403, exitCode: 3 },
  'not-found': { status: 404, exitCode: 4 },
  conflict: { status: 409, exitCode: 1 },
  unavailable: { status: 503, exitCode: 1 },
  internal: { status: 500, exitCode: 1 },
};

interface Sample {
  readonly args: readonly unknown[];
  readonly kind: ErrorKind;
}

const RUN_ID = 'demo-definition@2026-11-23T19:00Z';

/** Constructor arguments per class, with the kind each instance must carry. */
const SAMPLES: Record<string, readonly Sample[]> = {
  ValidationError: [{ args: ['request', [{ field: 'name', message: 'is required' }]], kind: 'invalid' }],
  UnauthorizedError: [{ args: ['send an API token'], kind: 'unauthorized' }],
  ForbiddenError: [{ args: ['operator scope needed'], kind: 'forbidden' }],
  NotFoundError: [{ args: ['DEAD_LETTER_NOT_FOUND', 'no such message'], kind: 'not-found' }],
  ConflictError: [{ args: ['DEFINITIONS_EXIST', 'some exist already'], kind: 'conflict' }],
  UnavailableError: [{ args: ['RUN_NOT_QUEUED', 'could not queue'], kind: 'unavailable' }],
  TokenNotFoundError: [{ args: ['0123456789abcdef'], kind: 'not-found' }],
  WorkerOfflineError: [{ args: ['chrome-worker-001'], kind: 'conflict' }],
  DefinitionNotFoundError: [{ args: ['demo-definition'], kind: 'not-found' }],
  DefinitionExistsError: [{ args: ['demo-definition'], kind: 'conflict' }],
  DefinitionConflictError: [{ args: ['demo-definition'], kind: 'conflict' }],
  RunNotFoundError: [{ args: [RUN_ID], kind: 'not-found' }],
  IllegalTransitionError: [{ args: ['cancel', { runId: RUN_ID, status: 'SUCCEEDED' }], kind: 'conflict' }],
  LeaseLostError: [{ args: [RUN_ID, 3, undefined], kind: 'conflict' }],
  WorkerOfAnotherTokenError: [{ args: ['chrome-worker-001'], kind: 'forbidden' }],
  WorkerNotFoundError: [{ args: ['chrome-worker-001'], kind: 'not-found' }],
  SnapshotsNotSavedError: [{ args: [4], kind: 'unavailable' }],
  HistoryPartitionValueError: [{ args: ['snapshots', 'marketplace', 'U/S'], kind: 'invalid' }],
  HistoryQueryError: [{ args: ['Binder Error: column nope not found'], kind: 'invalid' }],
  HistoryFilesNotDeletedError: [
    {
      args: [
        's3://history',
        1,
        24,
        'snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US/part-1.parquet',
      ],
      kind: 'unavailable',
    },
  ],
  HistoryCompactionError: [
    {
      args: [
        ['snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US'],
        { cause: new Error('disk full') },
      ],
      kind: 'internal',
    },
  ],
  StreamRecordWithoutSequenceError: [{ args: ['e-1'], kind: 'invalid' }],
  UnknownHistoryStreamError: [{ args: ['arn:aws:dynamodb:eu-west-1:1:table/x/stream/1'], kind: 'invalid' }],
  ChangeEventsNotPublishedError: [
    { args: [[{ changeId: 's-1#price_down' }], 'ThrottlingException'], kind: 'unavailable' },
  ],
  UnknownWebhookError: [{ args: ['team-json', 'not in the local webhooks file'], kind: 'not-found' }],
  AthenaCredentialsError: [
    { args: ['credentials', 'Could not load credentials from any providers'], kind: 'unauthorized' },
    { args: ['region', 'Region is missing'], kind: 'unauthorized' },
  ],
  AthenaWorkgroupNotFoundError: [{ args: ['shelfwatch-dev-history', 'dev'], kind: 'not-found' }],
  AthenaQueryFailedError: [
    { args: ['q-1', 'FAILED', 'COLUMN_NOT_FOUND: line 1:8', 'invalid'], kind: 'invalid' },
    { args: ['q-2', 'CANCELLED', 'Query cancelled', 'conflict'], kind: 'conflict' },
  ],
  AthenaRequestError: [{ args: ['forbidden', 'AccessDeniedException', 'not authorized'], kind: 'forbidden' }],
  AthenaQueryTimeoutError: [{ args: ['q-3', 25_000], kind: 'unavailable' }],
  ExportTargetExistsError: [{ args: ['/tmp/out.csv'], kind: 'conflict' }],
  ExportNotFoundError: [{ args: ['5f0c6b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f'], kind: 'not-found' }],
  SummaryNotPublishedError: [{ args: [RUN_ID, 'InternalFailure: try again'], kind: 'internal' }],
  BlockedUrlError: [{ args: ['http://169.254.169.254/', 'a link-local address'], kind: 'invalid' }],
  PageFailure: [
    {
      args: [{ failureClass: 'transient', reason: 'timeout', message: 'did not load' }],
      kind: 'unavailable',
    },
    { args: [{ failureClass: 'blocked', reason: 'captcha', message: 'a captcha' }], kind: 'unavailable' },
    { args: [{ failureClass: 'permanent', reason: 'http-404', message: 'gone' }], kind: 'invalid' },
  ],
  UnknownExtractorError: [{ args: ['amazon', 'reviews'], kind: 'invalid' }],
  InvalidTargetError: [{ args: ['B0', 'is not an ASIN'], kind: 'invalid' }],
  HandBack: [{ args: ['deadline', 0], kind: 'unavailable' }],
  MissingResourceError: [{ args: ['SHELFWATCH_TABLE_RUNS', 'the runs table'], kind: 'internal' }],
  WebhookDeliveryError: [{ args: [502, 'slack'], kind: 'unavailable' }],
  CliError: [
    { args: ['invalid', 'USAGE', 'give --message or --all'], kind: 'invalid' },
    { args: ['unauthorized', 'NO_TOKEN', 'no API token'], kind: 'unauthorized' },
  ],
  ConfigurationError: [{ args: [['maxConcurrencyHigh: must be at least 1']], kind: 'invalid' }],
  EmulatorStartError: [{ args: ['DynamoDB Local did not answer'], kind: 'internal' }],
  UnsupportedScheduleError: [{ args: ['cron(0/5 * * * ? *)'], kind: 'invalid' }],
  PortInUseError: [{ args: ['shop', 4100], kind: 'conflict' }],
  StreamPositionFileError: [
    { args: ['.shelfwatch/data/streams/notifier.json', 'is not JSON'], kind: 'invalid' },
  ],
  ClockFileError: [{ args: ['.shelfwatch/data/clock.json', 'is not JSON'], kind: 'invalid' }],
  CursorKeyMalformedError: [{ args: ['shelfwatch-dev-control'], kind: 'internal' }],
  ProxyRefusedError: [{ args: ['the proxy answered 407'], kind: 'unavailable' }],
  ChangesNotRecordedError: [{ args: ['6 races lost on amazon/US/B0TEST0001'], kind: 'unavailable' }],
  ItemNotFoundError: [
    { args: [{ platform: 'amazon', marketplace: 'US', itemId: 'B0TEST0001' }], kind: 'not-found' },
  ],
  BenchWorkerError: [{ args: ['the crawlee worker exited with 1'], kind: 'internal' }],
};

interface DiscoveredClass {
  readonly name: string;
  readonly parent: string;
  readonly file: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      return entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(full);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every class that extends Error, directly or through other classes of the tree, or a library's error. */
function discoverErrorClasses(): DiscoveredClass[] {
  const classes = sourceFiles(ROOT).flatMap((file) =>
    [
      ...readFileSync(file, 'utf8').matchAll(
        /^\s*(?:export\s+)?(?:abstract\s+)?class\s+(\w+)\s+extends\s+([\w.]+)/gm,
      ),
    ].map(([, name, parent]) => ({ name: name as string, parent: parent as string, file })),
  );
  const errorNames = new Set<string>();
  const isError = (parent: string) =>
    errorNames.has(parent) || /(?:^|\.)\w*(?:Error|Exception)$/.test(parent);
  let grew = true;
  while (grew) {
    grew = false;
    for (const found of classes) {
      if (!errorNames.has(found.name) && isError(found.parent)) {
        errorNames.add(found.name);
        grew = true;
      }
    }
  }
  return classes.filter((found) => errorNames.has(found.name));
}

const discovered = discoverErrorClasses();
const relative = (file: string) => path.relative(ROOT, file);

describe('every error class', () => {
  it('finds the error classes of the tree, each named once and listed in SAMPLES', () => {
    assert.ok(discovered.length >= 30, `found only ${discovered.length} error classes`);
    const names = discovered.map((found) => found.name);
    assert.deepEqual(
      names.filter((name, index) => names.indexOf(name) !== index),
      [],
      'two error classes share a name',
    );
    const unlisted = discovered.filter((found) => found.name !== BASE && !(found.name in SAMPLES));
    assert.deepEqual(
      unlisted.map((found) => `${found.name} (${relative(found.file)})`),
      [],
      'new error classes: add them to SAMPLES with the kind they should carry',
    );
    assert.deepEqual(
      Object.keys(SAMPLES).filter((name) => !names.includes(name)),
      [],
      'SAMPLES lists classes that no longer exist',
    );
  });

  for (const found of discovered.filter((candidate) => candidate.name !== BASE)) {
    it(`${found.name} (${relative(found.file)}) extends ShelfwatchError and its kind decides status and exit code`, async () => {
      const module = (await import(pathToFileURL(found.file).href)) as Record<string, unknown>;
      const ErrorClass = module[found.name] as (new (...args: unknown[]) => unknown) | undefined;
      assert.equal(
        typeof ErrorClass,
        'function',
        `${found.name} must be exported from ${relative(found.file)}`,
      );
      assert.ok(
        (ErrorClass as { prototype: unknown }).prototype instanceof ShelfwatchError,
        `${found.name} must extend ShelfwatchError`,
      );
      const samples = SAMPLES[found.name] ?? [];
      assert.ok(samples.length > 0, `add ${found.name} to SAMPLES with the kind it should carry`);
      for (const { args, kind } of samples) {
        const error = new (ErrorClass as new (...args: unknown[]) => unknown)(...args);
        assert.ok(error instanceof ShelfwatchError, `${found.name} must extend ShelfwatchError`);
        assert.equal(error.name, found.name);
        assert.equal(error.kind, kind);
        assert.ok(ERROR_KINDS.includes(error.kind));
        assert.match(error.code, /^[A-Z][A-Z0-9_]*$/);
        assert.ok(error.message.length > 0);

        const answer = errorAnswer(error, 'reference-1');
        assert.equal(answer.status, EXPECTED[kind].status);
        if (kind === 'internal') {
          assert.equal(answer.body.error.code, 'INTERNAL');
          assert.ok(!answer.body.error.message.includes(error.message), 'an internal message is not shown');
          assert.match(answer.body.error.message, /reference-1/);
        } else {
          assert.equal(answer.body.error.code, error.code);
          assert.equal(answer.body.error.message, error.message);
        }
        assert.equal(EXIT_CODE_OF_KIND[kind], EXPECTED[kind].exitCode);
        assert.equal(kindOfStatus(answer.status), kind, 'the CLI reads the kind back from the status');
      }
    });
  }

  it('covers every kind, and no two classes answer with the same code', async () => {
    const codes = new Map<string, string>();
    for (const found of discovered.filter((candidate) => candidate.name !== BASE)) {
      const module = (await import(pathToFileURL(found.file).href)) as Record<string, unknown>;
      const ErrorClass = module[found.name] as new (...args: unknown[]) => ShelfwatchError;
      for (const { args } of SAMPLES[found.name] ?? []) {
        const { code } = new ErrorClass(...args);
        const owner = codes.get(code);
        assert.ok(owner === undefined || owner === found.name, `${found.name} and ${owner} both use ${code}`);
        codes.set(code, found.name);
      }
    }
    const kinds = new Set(Object.values(SAMPLES).flatMap((samples) => samples.map((sample) => sample.kind)));
    assert.deepEqual(
      [...ERROR_KINDS].filter((kind) => !kinds.has(kind)),
      [],
    );
  });
});
