/**
 * The deployed history's edges, against mocked Athena and S3: `shelfwatch query --stage` (start,
 * poll with backoff, paged results, cost) and GET /exports' Athena path (SELECT or UNLOAD into the
 * workgroup's results location, presigned URLs). The local paths run for real in integration tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  athenaCostOf,
  AthenaCredentialsError,
  AthenaHistoryExports,
  AthenaQueryFailedError,
  AthenaQueryTimeoutError,
  athenaTargetOf,
  AthenaWorkgroupNotFoundError,
  type ExportLinks,
  ExportNotFoundError,
  type ExportPending,
  exportQuerySchema,
  queryAthena,
} from '../../shared/history/index.ts';

const region = 'eu-west-1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const target = athenaTargetOf('dev');
const MB = 2 ** 20;

/** The links of a finished export (a pending one fails the test). */
function linksOf(result: ExportLinks | ExportPending): ExportLinks {
  assert.ok('files' in result, `expected links, got ${JSON.stringify(result)}`);
  return result;
}

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: (ms: number) => (delays.push(ms), Promise.resolve()) };
}

const column = (Name: string, Type: string) => ({ Name, Type });
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((VarCharValue) => ({ VarCharValue })),
});

describe('shelfwatch query --stage (Athena)', () => {
  it("runs the SQL in the stage's workgroup and database, polls with growing delays, and reads every page", async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          StatementType: 'DML',
          Status: { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 3 * MB + 1 },
        },
      });
    const columns = [
      column('dt', 'varchar'),
      column('low', 'double'),
      column('n', 'bigint'),
      column('ok', 'boolean'),
    ];
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('dt', 'low', 'n', 'ok'), row('2026-12-01', '19.5', '24', 'true')],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('2026-12-02', undefined, '9007199254740993', 'false')],
        },
      });
    const { delays, sleep } = recordingSleep();
    const result = await queryAthena(new AthenaClient({ region, credentials }), target, 'SELECT 1', {
      sleep,
    });

    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    assert.deepEqual(start, {
      QueryString: 'SELECT 1',
      WorkGroup: 'shelfwatch-dev-history',
      QueryExecutionContext: { Database: 'shelfwatch_dev' },
    });
    assert.deepEqual(delays, [200, 400, 800]);
    assert.deepEqual(result.columns, ['dt', 'low', 'n', 'ok']);
    assert.deepEqual(result.rows, [
      { dt: '2026-12-01', low: 19.5, n: 24, ok: true },
      // A null stays null; a bigint past 2^53 stays text rather than lose digits.
      { dt: '2026-12-02', low: null, n: '9007199254740993', ok: false },
    ]);
    assert.equal(result.truncated, false);
    assert.equal(result.bytesScanned, 3 * MB + 1);
    assert.deepEqual(result.cost, { billedBytes: 10 * MB, usd: (10 * MB * 5) / 2 ** 40 });
  });

  it('stops reading pages at --max-rows and says the answer was truncated', async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { StatementType: 'DML', Status: { State: 'SUCCEEDED' }, Statistics: {} },
    });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [column('n', 'integer')] },
        Rows: [row('n'), row('1'), row('2'), row('3')],
      },
      NextToken: 'more',
    });
    const result = await queryAthena(new AthenaClient({ region, credentials }), target, 'SELECT n', {
      maxRows: 2,
      sleep: () => Promise.resolve(),
    });
    assert.deepEqual(result.rows, [{ n: 1 }, { n: 2 }]);
    assert.equal(result.truncated, true);
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 1);
  });

  it('bills at least 10 MB per query and rounds up to the MB, at $5 per TB', () => {
    assert.equal(athenaCostOf(0).billedBytes, 10 * MB);
    assert.equal(athenaCostOf(10 * MB + 1).billedBytes, 11 * MB);
    assert.equal(athenaCostOf(2 ** 40).usd, 5);
  });

  it('a FAILED query is an error carrying Athena’s reason; a user error is input (exit 2), a CANCELLED one names the scan limit', async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolvesOnce({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
          AthenaError: { ErrorCategory: 2 },
        },
      },
    });
    const client = new AthenaClient({ region, credentials });
    await assert.rejects(
      queryAthena(client, target, 'SELECT nope', { sleep: () => Promise.resolve() }),
      (error) => {
        assert.ok(error instanceof AthenaQueryFailedError);
        assert.equal(error.kind, 'invalid');
        assert.match(error.message, /q-3 FAILED: COLUMN_NOT_FOUND/);
        return true;
      },
    );
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'CANCELLED', StateChangeReason: 'Bytes scanned limit was exceeded' },
      },
    });
    await assert.rejects(
      queryAthena(client, target, 'SELECT *', { sleep: () => Promise.resolve() }),
      (error) => {
        assert.ok(error instanceof AthenaQueryFailedError);
        assert.equal(error.kind, 'conflict');
        assert.match(error.message, /CANCELLED: Bytes scanned limit was exceeded.*bytes-scanned limit/);
        return true;
      },
    );
  });

  it('a missing workgroup and missing credentials are named, not passed on as SDK errors', async () => {
    const athena = mockClient(AthenaClient);
    const notFound = Object.assign(new Error('WorkGroup is not found.'), { name: 'InvalidRequestException' });
    athena.on(StartQueryExecutionCommand).rejects(notFound);
    const client = new AthenaClient({ region, credentials });
    await assert.rejects(queryAthena(client, target, 'SELECT 1'), (error) => {
      assert.ok(error instanceof AthenaWorkgroupNotFoundError);
      assert.match(error.message, /shelfwatch-dev-history \(stage dev\) does not exist/);
      return true;
    });
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    athena.on(StartQueryExecutionCommand).rejects(noCredentials);
    await assert.rejects(queryAthena(client, target, 'SELECT 1'), (error) => {
      assert.ok(error instanceof AthenaCredentialsError);
      assert.equal(error.kind, 'unauthorized');
      return true;
    });
  });

  it('a query still running past the wait allowed is stopped and reported', async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    let now = 0;
    const sleep = (ms: number) => ((now += ms), Promise.resolve());
    await assert.rejects(
      queryAthena(new AthenaClient({ region, credentials }), target, 'SELECT 1', {
        sleep,
        now: () => now,
        maxWaitMs: 3_000,
      }),
      AthenaQueryTimeoutError,
    );
    assert.deepEqual(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input, {
      QueryExecutionId: 'q-4',
    });
  });
});

describe('GET /exports when deployed (Athena + presigned URLs)', () => {
  const window = exportQuerySchema.parse({
    since: '2026-12-01',
    until: '2026-12-02T06:00Z',
    format: 'parquet',
  });

  it('UNLOADs the window into a fresh folder of the results location and presigns every file of the manifest', async () => {
    const athena = mockClient(AthenaClient);
    const s3 = mockClient(S3Client);
    athena.on(GetWorkGroupCommand).resolves({
      WorkGroup: {
        Name: 'shelfwatch-dev-history',
        Configuration: { ResultConfiguration: { OutputLocation: 's3://results-bucket/athena' } },
      },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-5' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'SUCCEEDED' },
        Statistics: {
          DataScannedInBytes: 42 * MB,
          DataManifestLocation: 's3://results-bucket/athena/q-5-manifest.csv',
        },
      },
    });
    const manifest =
      's3://results-bucket/athena/exports/id-1/part-1.parquet\ns3://results-bucket/athena/exports/id-1/part-2.parquet\n';
    s3.on(GetObjectCommand, { Bucket: 'results-bucket', Key: 'athena/q-5-manifest.csv' }).resolves({
      // Only what the code reads of a GetObject body.
      Body: { transformToString: () => Promise.resolve(manifest) } as never,
    });
    const exports = new AthenaHistoryExports({
      athena: new AthenaClient({ region, credentials }),
      s3: new S3Client({ region, credentials }),
      stage: 'dev',
      newId: () => 'id-1',
      now: () => Date.parse('2026-12-06T10:00:00Z'),
      sleep: () => Promise.resolve(),
    });
    const links = linksOf(await exports.exportWindow(window));

    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? '';
    assert.match(
      sql,
      /^UNLOAD \(SELECT \* FROM snapshots WHERE dt >= '2026-12-01' AND dt <= '2026-12-02' AND slot >= '2026-12-01T00:00Z' AND slot < '2026-12-02T06:00Z' ORDER BY item_key, captured_at\) TO 's3:\/\/results-bucket\/athena\/exports\/id-1\/' WITH \(format = 'PARQUET'\)$/,
    );
    assert.equal(links.files.length, 2);
    for (const [index, file] of links.files.entries()) {
      const url = new URL(file.url);
      assert.equal(url.pathname, `/athena/exports/id-1/part-${index + 1}.parquet`);
      assert.equal(url.searchParams.get('X-Amz-Expires'), '900');
      assert.match(
        url.searchParams.get('response-content-disposition') ?? '',
        /attachment; filename="\d-snapshots-2026-12-01T00-00Z-2026-12-02T06-00Z\.parquet"/,
      );
    }
    assert.equal(links.expiresAt, '2026-12-06T10:15:00.000Z');
    assert.equal(links.bytesScanned, 42 * MB);
    assert.equal(links.queryExecutionId, 'q-5');
  });

  it("answers csv with the SELECT's own result file, with no UNLOAD and no workgroup lookup", async () => {
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-6' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'SUCCEEDED' },
        ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/q-6.csv' },
        Statistics: { DataScannedInBytes: 1 },
      },
    });
    const exports = new AthenaHistoryExports({
      athena: new AthenaClient({ region, credentials }),
      s3: new S3Client({ region, credentials }),
      stage: 'dev',
      sleep: () => Promise.resolve(),
    });
    const links = linksOf(await exports.exportWindow({ ...window, format: 'csv', definition: "o'brien" }));
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? '';
    assert.match(sql, /^SELECT \* FROM snapshots WHERE .* AND definition_id = 'o''brien' ORDER BY/);
    assert.equal(athena.commandCalls(GetWorkGroupCommand).length, 0);
    assert.equal(links.files.length, 1);
    assert.equal(new URL(links.files[0]?.url ?? '').pathname, '/athena/q-6.csv');
  });

  const EXPORT_ID = '5f0c6b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';
  const WORKGROUP = 'shelfwatch-dev-history';

  it('answers a window Athena has not written within 25 s as running, leaves the query running, and polls it to its links', async () => {
    const athena = mockClient(AthenaClient);
    const s3 = mockClient(S3Client);
    athena.on(GetWorkGroupCommand).resolves({
      WorkGroup: {
        Name: WORKGROUP,
        Configuration: { ResultConfiguration: { OutputLocation: 's3://results-bucket/athena' } },
      },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXPORT_ID });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    let now = Date.parse('2026-12-06T10:00:00Z');
    const exports = new AthenaHistoryExports({
      athena: new AthenaClient({ region, credentials }),
      s3: new S3Client({ region, credentials }),
      stage: 'dev',
      newId: () => 'id-2',
      now: () => now,
      sleep: (ms) => ((now += ms), Promise.resolve()),
    });
    const pending = await exports.exportWindow({ ...window, format: 'jsonl' });
    assert.deepEqual(pending, {
      status: 'running',
      id: EXPORT_ID,
      format: 'jsonl',
      poll: `/exports/${EXPORT_ID}`,
      retryAfterSeconds: 5,
    });
    assert.ok(now - Date.parse('2026-12-06T10:00:00Z') >= 25_000, 'it waited the 25 s first');
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 0, 'the query is left running');
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? '';

    // Polled while it runs: 202 again. Then it is done: its files, named by table and id.
    const execution = { QueryExecutionId: EXPORT_ID, Query: sql, WorkGroup: WORKGROUP };
    athena.reset();
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: EXPORT_ID })
      .resolvesOnce({ QueryExecution: { ...execution, Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          ...execution,
          Status: { State: 'SUCCEEDED' },
          Statistics: {
            DataScannedInBytes: 3 * MB,
            DataManifestLocation: 's3://results-bucket/athena/m.csv',
          },
        },
      });
    s3.on(GetObjectCommand, { Bucket: 'results-bucket', Key: 'athena/m.csv' }).resolves({
      Body: {
        transformToString: () => Promise.resolve('s3://results-bucket/athena/exports/id-2/part-1.gz\n'),
      } as never,
    });
    assert.deepEqual(await exports.exportById(EXPORT_ID), pending);
    const links = linksOf(await exports.exportById(EXPORT_ID));
    assert.equal(links.format, 'jsonl');
    assert.equal(links.queryExecutionId, EXPORT_ID);
    assert.equal(links.bytesScanned, 3 * MB);
    const url = new URL(links.files[0]?.url ?? '');
    assert.equal(url.pathname, '/athena/exports/id-2/part-1.gz');
    assert.equal(
      url.searchParams.get('response-content-disposition'),
      `attachment; filename="snapshots-${EXPORT_ID}.jsonl"`,
    );
  });

  it('polls only exports of its own stage: other queries, other workgroups, unknown and malformed ids are not found; a failed one is its error', async () => {
    const athena = mockClient(AthenaClient);
    const exports = new AthenaHistoryExports({
      athena: new AthenaClient({ region, credentials }),
      s3: new S3Client({ region, credentials }),
      stage: 'dev',
      sleep: () => Promise.resolve(),
    });
    const exportSql =
      "SELECT * FROM changes WHERE dt >= '2026-12-01' AND dt <= '2026-12-02' ORDER BY item_key";
    const answers: [string, object][] = [
      [
        'a query of shelfwatch query --stage',
        { Query: 'SELECT count(*) FROM snapshots', WorkGroup: WORKGROUP },
      ],
      ["another stage's export", { Query: exportSql, WorkGroup: 'shelfwatch-prod-history' }],
    ];
    for (const [label, execution] of answers) {
      athena.reset();
      athena
        .on(GetQueryExecutionCommand)
        .resolves({ QueryExecution: { ...execution, Status: { State: 'SUCCEEDED' } } });
      await assert.rejects(exports.exportById(EXPORT_ID), ExportNotFoundError, label);
    }
    athena.reset();
    athena.on(GetQueryExecutionCommand).rejects(
      Object.assign(new Error(`QueryExecution ${EXPORT_ID} was not found`), {
        name: 'InvalidRequestException',
      }),
    );
    await assert.rejects(exports.exportById(EXPORT_ID), ExportNotFoundError);
    await assert.rejects(exports.exportById('../../etc'), ExportNotFoundError);
    assert.equal(
      athena.commandCalls(GetQueryExecutionCommand).length,
      1,
      'a malformed id never reaches Athena',
    );

    athena.reset();
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Query: exportSql,
        WorkGroup: WORKGROUP,
        Status: { State: 'CANCELLED', StateChangeReason: 'Bytes scanned limit was exceeded' },
      },
    });
    await assert.rejects(exports.exportById(EXPORT_ID), (error: unknown) => {
      assert.ok(error instanceof AthenaQueryFailedError);
      assert.match(error.message, /Bytes scanned limit/);
      return true;
    });
  });

  it('refuses a window longer than 31 days, a bad format and unknown parameters, naming each', () => {
    const parsed = exportQuerySchema.safeParse({
      since: '2026-01-01',
      until: '2026-03-01',
      format: 'xlsx',
      x: '1',
    });
    assert.equal(parsed.success, false);
    const fields = parsed.error?.issues.map((issue) => issue.path.join('.') || issue.code);
    assert.ok(fields?.includes('format'), String(fields));
    assert.ok(fields?.includes('unrecognized_keys'), String(fields));
    const long = exportQuerySchema.safeParse({ since: '2026-01-01', until: '2026-03-01', format: 'csv' });
    assert.deepEqual(
      long.error?.issues.map((issue) => issue.path.join('.')),
      ['until'],
    );
    assert.ok(
      exportQuerySchema.safeParse({ since: '2026-01-01', until: '2026-02-01', format: 'csv' }).success,
    );
  });
});
