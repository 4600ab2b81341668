/**
 * Pagination cursors are opaque and bound to their listing (route, path parameters, filters):
 * a cursor from another listing, a forged key, bytes that are no cursor at all get a 400 naming
 * `cursor` (issue 17, item 1: each of these answered 500 INTERNAL), and change nothing. A cursor
 * used as it was handed out still pages through the whole listing, once each.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { apiRoutes, createApi, createApiDependencies, type ErrorBody } from '../../shared/api/index.ts';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { CURSOR_KEY } from '../../shared/paging/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import type { Definition } from '../../shared/definitions/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

type RunList = { runs: Run[]; cursor?: string };

/** What a client could forge if cursors were the bare key: base64url of a JSON object. */
const forged = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

async function finish(api: ApiStage, runId: string, status: 'SUCCEEDED' | 'FAILED'): Promise<void> {
  const held = await api.deps.runs.acquire(runId, 'scraper', api.now, 60_000);
  assert.ok(held.acquired);
  await api.deps.runs.complete(held.lease, { status }, api.now);
}

describe('pagination cursors', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  const cursors: Record<string, string> = {};

  before(async () => {
    api = await apiStage(local());
    const rows = [1, 2, 3, 4].map((n) => definitionRow(`cur-${n}`));
    rows.push(definitionRow('cur-s', { crawlType: 'search_result', target: 'kettle' }));
    assert.equal((await api.call('POST', '/definitions', { body: { definitions: rows } })).status, 201);
    const runs: Run[] = [];
    for (const [index, row] of rows.entries()) {
      for (const request of ['a', 'b']) {
        runs.push(await api.deps.expander.runNow(String(row.id), `${request}-${index}`, api.now + index));
      }
    }
    for (const run of runs.slice(0, 4)) await finish(api, run.runId, 'SUCCEEDED');
    for (const run of runs.slice(4, 7)) await finish(api, run.runId, 'FAILED');
    const first = runs[0] as Run;
    const held = await api.deps.runs.acquire(runs[8]?.runId as string, 'scraper', api.now, 60_000);
    assert.ok(held.acquired);
    await api.deps.items.save(
      [1, 2, 3].map((n) =>
        snapshotOf(
          { ...held.run, pageNumber: 1, capturedBy: 'scraper' },
          { id: `it-${n}`, position: n },
          api.now,
          30,
        ),
      ),
    );
    for (const workerId of ['cw-1', 'cw-2', 'cw-3']) {
      await api.deps.broker.register({ workerId, tokenId: 'fuzz' }, api.now);
    }
    const cursorOf = async (path: string) => {
      const answer = await api.call<{ cursor?: string }>('GET', path);
      assert.equal(answer.status, 200, path);
      assert.ok(answer.body.cursor, `${path} has a next page`);
      return answer.body.cursor;
    };
    cursors.succeeded = await cursorOf('/runs?status=SUCCEEDED&limit=1');
    cursors.failed = await cursorOf('/runs?status=FAILED&limit=1');
    cursors.category = await cursorOf('/runs?crawlType=category&limit=1');
    cursors.definition = await cursorOf(`/runs?definitionId=${first.definitionId}&limit=1`);
    cursors.definitions = await cursorOf('/definitions?limit=1');
    cursors.workers = await cursorOf('/workers?limit=1');
    cursors.items = await cursorOf(`/runs/${encodeURIComponent(held.run.runId)}/items?limit=1`);
  });

  async function refused(path: string): Promise<void> {
    const state = await api.dump();
    const answer = await api.call<ErrorBody>('GET', path);
    assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(
      answer.body.error.issues.map((issue) => issue.field),
      ['cursor'],
      path,
    );
    assert.match(answer.body.error.issues[0]?.message ?? '', /listing/);
    assert.equal(await api.dump(), state, `${path} changed nothing`);
  }

  it('pages through a listing with the cursors it hands out, each run once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call<RunList>(
        'GET',
        `/runs?status=SUCCEEDED&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.runs.map((run) => run.runId));
      cursor = page.body.cursor;
    } while (cursor);
    assert.equal(seen.length, 4);
    assert.equal(new Set(seen).size, 4);
    const definitions: string[] = [];
    do {
      const page = await api.call<{ definitions: Definition[]; cursor?: string }>(
        'GET',
        `/definitions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(page.status, 200);
      definitions.push(...page.body.definitions.map((definition) => definition.id));
      cursor = page.body.cursor;
    } while (cursor);
    assert.deepEqual(definitions.sort(), ['cur-1', 'cur-2', 'cur-3', 'cur-4', 'cur-s']);
    const biggerPage = await api.call<RunList>(
      'GET',
      `/runs?status=SUCCEEDED&limit=10&cursor=${cursors.succeeded}`,
    );
    assert.equal(biggerPage.status, 200, 'the page size may change between pages');
    assert.equal(biggerPage.body.runs.length, 3);
  });

  it('seals the cursor of every route that takes one', () => {
    for (const route of apiRoutes(api.deps)) {
      const shape = (route.query as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      assert.equal(!!route.paged, 'cursor' in shape, `${route.method} ${route.path}`);
    }
  });

  it('opens a cursor in another instance of the API (another Lambda container) on the same tables', async () => {
    const resources = resourceEnvironment(api.stage.environment);
    const other = createApi(
      createApiDependencies(createStores(resources, local().clients), resources, local().clients),
    );
    const answer = await other.request(`/runs?status=SUCCEEDED&limit=10&cursor=${cursors.succeeded}`, {
      headers: { authorization: `Bearer ${api.operatorToken}` },
    });
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as RunList).runs.length, 3);
  });

  it('creates no key for a refused cursor: with no key stored, a request with a cursor writes nothing', async () => {
    const fresh = await apiStage(local());
    const state = await fresh.dump();
    const answer = await fresh.call<ErrorBody>('GET', `/workers?cursor=${cursors.workers}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.issues[0]?.field, 'cursor');
    assert.equal(await fresh.dump(), state);
    const { Item } = await local().clients.documents.send(
      new GetCommand({ TableName: fresh.stage.resources.tables.control, Key: CURSOR_KEY }),
    );
    assert.equal(Item, undefined);
  });

  it('is opaque: a cursor does not show the key it stands for', () => {
    for (const cursor of Object.values(cursors)) {
      assert.doesNotMatch(
        Buffer.from(cursor, 'base64url').toString('latin1'),
        /runId|definitionId|workerId|cur-/,
      );
    }
  });

  it('refuses a cursor from another listing: another status, index, filter, route or run', async () => {
    const c = cursors as Record<
      'succeeded' | 'failed' | 'category' | 'definition' | 'definitions' | 'workers' | 'items',
      string
    >;
    await refused(`/runs?status=SUCCEEDED&cursor=${c.failed}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${c.category}`);
    await refused(`/runs?crawlType=search_result&cursor=${c.category}`);
    await refused(`/runs?definitionId=cur-2&cursor=${c.definition}`);
    await refused(`/runs?status=SUCCEEDED&crawlType=search_result&cursor=${c.succeeded}`);
    await refused(`/runs?status=SUCCEEDED&from=2020-01-01T00:00:00Z&cursor=${c.succeeded}`);
    await refused(`/runs?status=SUCCEEDED&order=asc&cursor=${c.succeeded}`);
    await refused(`/definitions?platform=ozon&cursor=${c.definitions}`);
    await refused(`/definitions?cursor=${c.workers}`);
    await refused(`/workers?cursor=${c.definitions}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${c.items}`);
    await refused(`/runs/${encodeURIComponent('cur-2@2026-01-01T00:00Z')}/items?cursor=${c.items}`);
  });

  it('refuses forged keys: a number where a string was, overlong, non-ASCII, NaN, missing parts', async () => {
    const statusKey = { runId: 'cur-1@x', status: 'SUCCEEDED', statusChangedAt: '2026-01-01T00:00:00.000Z' };
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ ...statusKey, statusChangedAt: 5 })}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ ...statusKey, runId: 7 })}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ ...statusKey, status: 'FAILED' })}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ ...statusKey, runId: 'r'.repeat(1500) })}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ ...statusKey, runId: 'é\u202e\ud800' })}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${forged({ runId: 'x' })}`);
    await refused('/runs?status=SUCCEEDED&cursor=NaN');
    await refused(`/runs?status=SUCCEEDED&cursor=${encodeURIComponent('é€😀')}`);
    await refused(`/definitions?cursor=${forged({ definitionId: 1 })}`);
    await refused(`/definitions?cursor=${forged({ definitionId: 'cur-2' })}`);
    await refused(`/workers?cursor=${forged({ workerId: 12 })}`);
    await refused(`/workers?cursor=${forged({ workerId: 'cw-2' })}`);
  });

  it('refuses a handed-out cursor with one character changed', async () => {
    const cursor = cursors.succeeded as string;
    for (const index of [0, Math.floor(cursor.length / 2), cursor.length - 1]) {
      const replacement = cursor[index] === 'A' ? 'B' : 'A';
      await refused(
        `/runs?status=SUCCEEDED&cursor=${cursor.slice(0, index)}${replacement}${cursor.slice(index + 1)}`,
      );
    }
    await refused(`/runs?status=SUCCEEDED&cursor=${cursor.slice(0, -4)}`);
    await refused(`/runs?status=SUCCEEDED&cursor=${cursor}AAAA`);
  });
});
