/**
 * Server-side failures reach the caller as 5xx through the real app, never as a 400 that blames
 * the request: a dependency that fails for now is a 503 with its code, a fault of the deployment
 * or a bug is a 500 that hides its message and is logged with the reference it quotes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ErrorBody } from '../../shared/api/index.ts';
import { MissingResourceError } from '../../shared/aws/index.ts';
import { UnavailableError } from '../../shared/errors/index.ts';
import { SnapshotsNotSavedError, SummaryNotPublishedError } from '../../shared/results/index.ts';
import { apiStage, type ApiStage } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

interface LoggedError {
  readonly message: string;
  readonly details: Record<string, unknown>;
}

describe('server-side failures answered by the API', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  const logged: LoggedError[] = [];
  before(async () => {
    api = await apiStage(local(), { logError: (message, details) => logged.push({ message, details }) });
  });

  for (const failure of [
    new SummaryNotPublishedError('demo@2026-11-23T19:00Z', 'InternalFailure: try again'),
    new MissingResourceError('SHELFWATCH_TABLE_DEFINITIONS', 'the definitions table'),
  ]) {
    it(`answers ${failure.name} with a 500 that hides its message and logs it with the quoted reference`, async (t) => {
      t.mock.method(api.deps.definitions, 'list', () => Promise.reject(failure));
      logged.length = 0;
      const answer = await api.call<ErrorBody>('GET', '/definitions');
      assert.equal(answer.status, 500);
      assert.equal(answer.body.error.code, 'INTERNAL');
      assert.ok(!answer.body.error.message.includes(failure.message), answer.body.error.message);
      const reference = /reference ([\w-]+)/.exec(answer.body.error.message)?.[1];
      assert.ok(reference, answer.body.error.message);
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.details.reference, reference);
      assert.equal((logged[0]?.details.error as { name: string }).name, failure.name);
    });
  }

  it('answers a dependency that failed for now with a 503 and its code, on /market/* too', async (t) => {
    t.mock.method(api.deps.ingest, 'ingest', () => Promise.reject(new SnapshotsNotSavedError(3)));
    const market = await api.call<ErrorBody & { success: boolean }>('POST', '/market/snapshots/ingest', {
      token: api.workerToken,
      body: [{ product_id: 'B000000001', title: 'a kettle', price: 19.9 }],
    });
    assert.equal(market.status, 503, JSON.stringify(market.body));
    assert.equal(market.body.success, false);
    assert.equal(market.body.error.code, 'SNAPSHOTS_NOT_SAVED');

    t.mock.method(api.deps.definitions, 'list', () =>
      Promise.reject(new UnavailableError('RUN_NOT_QUEUED', 'could not queue demo: throttled')),
    );
    const listed = await api.call<ErrorBody>('GET', '/definitions');
    assert.equal(listed.status, 503);
    assert.equal(listed.body.error.code, 'RUN_NOT_QUEUED');
    assert.match(listed.body.error.message, /could not queue/);
  });
});
