import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorBody } from '../../shared/api/index.ts';
import type { Definition } from '../../shared/definitions/index.ts';
import { parseRunMessage } from '../../shared/queues/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainQueue } from '../helpers/queues.ts';

interface Created {
  definitions: Definition[];
  rejected: { field: string; message: string }[];
}

describe('the definitions API', () => {
  const local = useLocalInfrastructure();

  it('creates a batch, lists it with filters a page at a time, and gets one', async () => {
    const api = await apiStage(local());
    const created = await api.call<Created>('POST', '/definitions', {
      body: {
        definitions: [
          definitionRow('d1'),
          definitionRow('d2', { crawlType: 'search_result', target: 'phone' }),
          definitionRow('d3', { enabled: false }),
        ],
      },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.definitions.map((d) => d.id).sort(), ['d1', 'd2', 'd3']);

    const categories = await api.call<{ definitions: Definition[] }>(
      'GET',
      '/definitions?crawlType=category',
    );
    assert.deepEqual(categories.body.definitions.map((d) => d.id).sort(), ['d1', 'd3']);
    const disabled = await api.call<{ definitions: Definition[] }>('GET', '/definitions?enabled=false');
    assert.deepEqual(
      disabled.body.definitions.map((d) => d.id),
      ['d3'],
    );

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call<{ definitions: Definition[]; cursor?: string }>(
        'GET',
        `/definitions?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.definitions.map((d) => d.id));
      cursor = page.body.cursor;
    } while (cursor);
    assert.deepEqual(seen.sort(), ['d1', 'd2', 'd3']);

    const one = await api.call<Definition>('GET', '/definitions/d2');
    assert.equal(one.body.target, 'phone');
    assert.equal(one.body.version, 1);
  });

  it('writes nothing from a batch with one bad row, and names each bad field by row', async () => {
    const api = await apiStage(local());
    const before = await api.dump();
    const answer = await api.call<ErrorBody>('POST', '/definitions', {
      body: {
        definitions: [
          definitionRow('ok-1'),
          definitionRow('bad-1', { platform: 'ebay', params: { maxPages: 0 } }),
          definitionRow('ok-1'),
        ],
      },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'VALIDATION_FAILED');
    const fields = answer.body.error.issues.map((issue) => issue.field).sort();
    assert.deepEqual(fields, ['definitions.1.params.maxPages', 'definitions.1.platform', 'definitions.2.id']);
    assert.equal(await api.dump(), before);
  });

  it('refuses a batch naming an existing definition with 409, writing none of it', async () => {
    const api = await apiStage(local());
    await api.call('POST', '/definitions', { body: { definitions: [definitionRow('taken')] } });
    const before = await api.dump();
    const answer = await api.call<ErrorBody>('POST', '/definitions', {
      body: { definitions: [definitionRow('fresh'), definitionRow('taken')] },
    });
    assert.equal(answer.status, 409);
    assert.deepEqual(
      answer.body.error.issues.map((issue) => issue.field),
      ['definitions.1.id'],
    );
    assert.equal(await api.dump(), before);
  });

  it('in partial mode writes the good rows and reports the bad ones', async () => {
    const api = await apiStage(local());
    const answer = await api.call<Created>('POST', '/definitions', {
      body: {
        mode: 'partial',
        definitions: [definitionRow('good'), definitionRow('bad', { marketplace: 'US' })],
      },
    });
    assert.equal(answer.status, 201);
    assert.deepEqual(
      answer.body.definitions.map((d) => d.id),
      ['good'],
    );
    assert.deepEqual(
      answer.body.rejected.map((issue) => issue.field),
      ['definitions.1.marketplace'],
    );
    assert.equal((await api.call('GET', '/definitions/bad')).status, 404);
  });

  it('updates with optimistic locking, enables, disables and deletes', async () => {
    const api = await apiStage(local());
    await api.call('POST', '/definitions', { body: { definitions: [definitionRow('d')] } });
    const changed = await api.call<Definition>('PATCH', '/definitions/d', {
      body: { priority: 'high', expectedVersion: 1 },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.priority, 'high');
    assert.equal(changed.body.params.maxPages, 5, 'fields not named keep their value');
    const stale = await api.call<ErrorBody>('PATCH', '/definitions/d', {
      body: { priority: 'low', expectedVersion: 1 },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'DEFINITION_CONFLICT');
    const empty = await api.call<ErrorBody>('PATCH', '/definitions/d', { body: {} });
    assert.equal(empty.status, 400);

    const disabled = await api.call<Definition>('POST', '/definitions/d/disable');
    assert.equal(disabled.body.enabled, false);
    const enabled = await api.call<Definition>('POST', '/definitions/d/enable');
    assert.equal(enabled.body.enabled, true);

    assert.equal((await api.call('DELETE', '/definitions/d')).status, 200);
    const gone = await api.call<ErrorBody>('GET', '/definitions/d');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'DEFINITION_NOT_FOUND');
  });

  it('runs a definition now: a manual run on the queue of its priority and fetch mode, idempotent per request id', async () => {
    const api = await apiStage(local());
    await api.call('POST', '/definitions', {
      body: {
        definitions: [
          definitionRow('now', { priority: 'high' }),
          definitionRow('chromium', { priority: 'high', fetchMode: 'browser' }),
        ],
      },
    });
    const first = await api.call<Run>('POST', '/definitions/now/run', {
      body: { requestId: 'req-00000001' },
    });
    assert.equal(first.status, 202);
    assert.equal(first.body.runId, 'now@manual-req-00000001');
    assert.equal(first.body.status, 'QUEUED');
    const again = await api.call<Run>('POST', '/definitions/now/run', {
      body: { requestId: 'req-00000001' },
    });
    assert.equal(again.body.runId, first.body.runId);
    const browserRun = await api.call<Run>('POST', '/definitions/chromium/run', {
      body: { requestId: 'req-00000003' },
    });
    assert.equal(browserRun.status, 202);
    const { url, httpUrl } = api.stage.resources.queues.high;
    const runIdsOn = async (queueUrl: string) =>
      (await drainQueue(local().clients.sqs, queueUrl)).map((body) => parseRunMessage(body).runId);
    // No fetchMode is `auto` (DEFAULT_FETCH_MODE), which starts on the HTTP queue.
    assert.deepEqual(await runIdsOn(httpUrl), [first.body.runId], 'runs-high-http');
    assert.deepEqual(await runIdsOn(url), [browserRun.body.runId], 'runs-high');
    assert.equal((await api.call('POST', '/definitions/missing/run')).status, 404);
  });
  it('keeps a fetch mode on the definition and its runs; PATCH null returns it to the extractor’s; a bad one is a 400 naming it', async () => {
    const api = await apiStage(local());
    const created = await api.call<Created>('POST', '/definitions', {
      body: { definitions: [definitionRow('fm', { fetchMode: 'auto' })] },
    });
    assert.equal(created.body.definitions[0]?.fetchMode, 'auto');
    const run = await api.call<Run>('POST', '/definitions/fm/run', { body: { requestId: 'req-00000002' } });
    assert.equal(run.body.fetchMode, 'auto', 'the run inherits it');
    const bad = await api.call<ErrorBody>('PATCH', '/definitions/fm', { body: { fetchMode: 'turbo' } });
    assert.equal(bad.status, 400);
    assert.ok(
      bad.body.error.issues.some((issue) => issue.field === 'fetchMode'),
      JSON.stringify(bad.body),
    );
    const http = await api.call<Definition>('PATCH', '/definitions/fm', { body: { fetchMode: 'http' } });
    assert.equal(http.body.fetchMode, 'http');
    const cleared = await api.call<Definition>('PATCH', '/definitions/fm', { body: { fetchMode: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.fetchMode, undefined);
    assert.equal((await api.call<Definition>('GET', '/definitions/fm')).body.fetchMode, undefined);
  });
});
