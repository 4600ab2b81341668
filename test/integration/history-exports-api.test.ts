/**
 * GET /exports on the local runtime: the window streamed from the history folder in each format,
 * equal to `shelfwatch export` of the same window; its temporary file gone once sent; operator
 * scope; a bad query a 400 naming the field.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type ExportPending,
  FolderHistoryDestination,
  FolderHistoryExports,
  type HistoryExports,
  type HistoryReader,
  openHistoryReader,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import { apiStage, type ApiStage } from '../helpers/api.ts';
import { DAY_MS, HOUR_MS, isoMinute, MINUTE_MS, today } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const CLI = path.resolve(import.meta.dirname, '../../cli/shelfwatch.ts');
const run = promisify(execFile);
const YESTERDAY = today() - DAY_MS;
const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

function snapshotsOf(definitionId: string, slotMs: number, price: number, capturedAfterMs = 5 * MINUTE_MS) {
  const slot = isoMinute(slotMs);
  const source = {
    runId: `${definitionId}@${slot}`,
    definitionId,
    slot,
    platform: 'ozon',
    marketplace: 'RU',
    crawlType: 'category',
    pageNumber: 1,
    capturedBy: 'scraper',
  };
  return Array.from({ length: 5 }, (_, n) =>
    snapshotOf(
      source,
      { id: `SKU${n}`, title: `Чайник, "${n}"`, price: price + n, currency: 'RUB', position: n + 1 },
      slotMs + capturedAfterMs,
      90,
    ),
  );
}

const exportFolders = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('shelfwatch-export-'));

describe('GET /exports on the local history', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let root: string;
  let history: string;
  let reader: HistoryReader;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-exports-api-'));
    history = path.join(root, 'history');
    const destination = new FolderHistoryDestination(history);
    await writeHistory(
      SNAPSHOT_HISTORY,
      [
        ...snapshotsOf('kettles', YESTERDAY + 10 * HOUR_MS, 100),
        ...snapshotsOf('kettles', YESTERDAY + 23 * HOUR_MS, 200),
        ...snapshotsOf('kettles', today() + 2 * HOUR_MS, 300),
        ...snapshotsOf('mugs', YESTERDAY + 10 * HOUR_MS, 400),
      ],
      destination,
    );
    // A redelivered page: the export, like the view, holds it once (the later copy).
    await writeHistory(
      SNAPSHOT_HISTORY,
      snapshotsOf('kettles', YESTERDAY + 10 * HOUR_MS, 150, 30 * MINUTE_MS),
      destination,
    );
    api = await apiStage(local(), { historyExports: new FolderHistoryExports(history) });
    reader = await openHistoryReader(history);
  });
  after(async () => {
    reader.close();
    await rm(root, { recursive: true, force: true });
  });

  const since = () => day(YESTERDAY);
  const until = () => `${day(today())}T01:00Z`;
  const get = (query: string, token: string | null = api.operatorToken) =>
    api.app.request(`/exports?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  const CONTENT_TYPES = {
    csv: /^text\/csv/,
    jsonl: /^application\/x-ndjson/,
    parquet: /^application\/vnd\.apache\.parquet$/,
  };
  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    it(`streams ${format} equal to shelfwatch export of the same window, and removes its temporary file`, async () => {
      const foldersBefore = await exportFolders();
      const response = await get(`since=${since()}&until=${until()}&definition=kettles&format=${format}`);
      assert.equal(response.status, 200, await response.clone().text());
      assert.match(response.headers.get('content-type') ?? '', CONTENT_TYPES[format]);
      assert.equal(
        response.headers.get('content-disposition'),
        `attachment; filename="snapshots-${since()}T00-00Z-${until().replace(':', '-')}-kettles.${format}"`,
      );
      assert.equal(response.headers.get('x-shelfwatch-rows'), '10');
      const streamed = Buffer.from(await response.arrayBuffer());

      const out = path.join(root, `cli.${format}`);
      await run(process.execPath, [
        CLI,
        'export',
        '--history',
        history,
        '--since',
        since(),
        '--until',
        until(),
        '--definition',
        'kettles',
        '--format',
        format,
        '--out',
        out,
      ]);
      const written = await readFile(out);
      if (format === 'parquet') {
        // Parquet files are compared by what they hold.
        const served = path.join(root, 'served.parquet');
        await writeFile(served, streamed);
        const rowsOf = (file: string) =>
          reader.rows(`SELECT item_key, snapshot_id, price, title FROM read_parquet('${file}') ORDER BY ALL`);
        const rows = await rowsOf(served);
        assert.equal(rows.length, 10);
        assert.deepEqual(rows, await rowsOf(out));
      } else {
        assert.ok(streamed.length > 0);
        assert.equal(streamed.toString('utf8'), written.toString('utf8'));
      }
      // The temporary folder goes once the stream closed.
      const deadline = Date.now() + 10_000;
      let left = (await exportFolders()).filter((name) => !foldersBefore.includes(name));
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = (await exportFolders()).filter((name) => !foldersBefore.includes(name));
      }
      assert.deepEqual(left, []);
    });
  }

  it('holds the de-duplicated rows: the redelivered page counts once, with its latest price', async () => {
    const response = await get(`since=${since()}&until=${until()}&format=jsonl`);
    const rows = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { definition_id: string; price: number; slot: string });
    assert.equal(rows.length, 15);
    const tenOClock = rows.filter(
      (row) => row.definition_id === 'kettles' && row.slot === isoMinute(YESTERDAY + 10 * HOUR_MS),
    );
    assert.deepEqual(
      tenOClock.map((row) => row.price).sort((a, b) => a - b),
      [150, 151, 152, 153, 154],
    );
  });

  it('answers 400 naming the field for a bad window or format, 401 without a token, 403 for a worker', async () => {
    const tooLong = await get(`since=2026-01-01&until=2026-03-01&format=csv`);
    assert.equal(tooLong.status, 400);
    const body = (await tooLong.json()) as { error: { issues: { field: string; message: string }[] } };
    assert.deepEqual(
      body.error.issues.map((issue) => issue.field),
      ['until'],
    );
    assert.match(body.error.issues[0]?.message ?? '', /at most 31 days/);
    const badFormat = await get(`since=${since()}&until=${until()}&format=xlsx`);
    assert.equal(badFormat.status, 400);
    assert.match(await badFormat.text(), /"field":"format"/);
    const noSince = await get(`until=${until()}&format=csv`);
    assert.match(await noSince.text(), /"field":"since"/);
    assert.equal((await get(`since=${since()}&until=${until()}&format=csv`, null)).status, 401);
    assert.equal((await get(`since=${since()}&until=${until()}&format=csv`, api.workerToken)).status, 403);
  });

  it('GET /exports/{id}: nothing to poll here (404), 400 naming a malformed id, and token-checked', async () => {
    const byId = (id: string, token: string | null = api.operatorToken) =>
      api.app.request(`/exports/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const id = '5f0c6b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';
    const local = await byId(id);
    assert.equal(local.status, 404);
    assert.match(await local.text(), /EXPORT_NOT_FOUND.*nothing is left to poll/);
    const malformed = await byId('not-an-id');
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /"field":"exportId"/);
    assert.equal((await byId(id, null)).status, 401);
    assert.equal((await byId(id, api.workerToken)).status, 403);
  });

  it('answers an export still running (deployed, past 25 s) with 202, Location and Retry-After, and so does its poll', async () => {
    const pending: ExportPending = {
      status: 'running',
      id: '5f0c6b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
      format: 'parquet',
      poll: '/exports/5f0c6b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
      retryAfterSeconds: 5,
    };
    // Athena's side is unit-tested (history-athena.test.ts); here, what the API makes of its answer.
    const running: HistoryExports = {
      exportWindow: () => Promise.resolve(pending),
      exportById: (id) => Promise.resolve({ ...pending, id }),
    };
    const deployed = await apiStage(local(), { historyExports: running });
    const headers = { authorization: `Bearer ${deployed.operatorToken}` };
    for (const path of [`/exports?since=${since()}&until=${until()}&format=parquet`, pending.poll]) {
      const answer = await deployed.app.request(path, { headers });
      assert.equal(answer.status, 202, path);
      assert.equal(answer.headers.get('location'), pending.poll);
      assert.equal(answer.headers.get('retry-after'), '5');
      assert.deepEqual(await answer.json(), pending);
    }
  });
});
