import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type ErrorBody, openApiPath, PUBLIC_ROUTES } from '../../shared/api/index.ts';
import { apiStage, type ApiStage } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const SAMPLE_PARAMS: Record<string, string> = {
  definitionId: 'some-definition',
  runId: 'some-definition@2026-11-23T19:00Z',
  priority: 'high',
  workerId: 'chrome-worker-001',
  tokenId: '0123456789abcdef',
};

/** Every (method, path) the router serves, read from the router itself. */
function routerRoutes(api: ApiStage): { method: string; path: string; url: string }[] {
  return api.app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => ({
      method: route.method,
      path: route.path,
      url: route.path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
        encodeURIComponent(SAMPLE_PARAMS[name] ?? 'x'),
      ),
    }));
}

const isPublic = (route: { method: string; path: string }) =>
  PUBLIC_ROUTES.some((open) => open.method === route.method && open.path === route.path);

describe('authentication and scopes on every route', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let revokedToken: string;
  before(async () => {
    api = await apiStage(local());
    const revoked = await api.deps.tokens.create({ name: 'old', scope: 'operator' }, api.now);
    await api.deps.tokens.revoke(revoked.tokenId, api.now);
    revokedToken = revoked.token;
  });

  it('refuses every route without a valid token with 401 and a clear message, changing nothing', async () => {
    const routes = routerRoutes(api).filter((route) => !isPublic(route));
    assert.ok(routes.length >= 30, `the router lists ${routes.length} routes`);
    const before = await api.dump();
    const unknownToken = `swk_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    for (const route of routes) {
      for (const [token, message] of [
        [null, /send an API token/],
        ['not-a-token', /not a Shelfwatch token/],
        [unknownToken, /not known/],
        [revokedToken, /revoked/],
      ] as const) {
        const answer = await api.call<ErrorBody>(route.method, route.url, { token, body: {} });
        assert.equal(answer.status, 401, `${route.method} ${route.path} with ${String(token)}`);
        assert.equal(answer.body.error.code, 'UNAUTHENTICATED');
        assert.match(answer.body.error.message, message);
      }
    }
    const basic = await api.call<ErrorBody>('GET', '/stats', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    assert.equal(basic.status, 401);
    assert.equal(await api.dump(), before);
  });

  it('lets worker tokens call /market/* but task creation (403 elsewhere) and operator tokens everything', async () => {
    const before = await api.dump();
    for (const route of routerRoutes(api).filter((route) => !isPublic(route))) {
      // Seed 004: an administrator or a scheduler creates tasks, workers do not.
      const market = route.path.startsWith('/market/') && route.path !== '/market/tasks/create';
      const asWorker = await api.call<ErrorBody>(route.method, route.url, {
        token: api.workerToken,
        body: 'x',
      });
      if (market) assert.notEqual(asWorker.status, 403, `${route.method} ${route.path}`);
      else {
        assert.equal(asWorker.status, 403, `${route.method} ${route.path}`);
        assert.equal(asWorker.body.error.code, 'FORBIDDEN');
        assert.match(asWorker.body.error.message, /needs an operator token/);
      }
      const asOperator = await api.call(route.method, route.url, { token: api.operatorToken, body: 'x' });
      assert.ok(
        ![401, 403].includes(asOperator.status),
        `${route.method} ${route.path}: ${asOperator.status}`,
      );
    }
    assert.equal(await api.dump(), before, 'refused and malformed requests changed nothing');
  });

  it('answers /health without a token and says nothing but ok; unknown paths need a token too', async () => {
    const health = await api.call('GET', '/health', { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    assert.equal((await api.call('GET', '/nowhere', { token: null })).status, 401);
    const unknown = await api.call<ErrorBody>('GET', '/nowhere');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ROUTE_NOT_FOUND');
    assert.equal((await api.call('GET', '/openapi.json', { token: null })).status, 401);
  });

  it('serves the monitor page and its named files without a token, with a strict content policy, and nothing else', async () => {
    for (const [path, type] of [
      ['/', /^text\/html/],
      ['/web/app.js', /^text\/javascript/],
      ['/web/style.css', /^text\/css/],
    ] as const) {
      const response = await api.app.request(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', type);
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.ok((await response.text()).length > 100);
    }
    for (const path of ['/web/secrets.json', '/web/..%2Fpackage.json', '/web/%2e%2e%2fREADME.md']) {
      const answer = await api.call<ErrorBody>('GET', path, { token: null });
      assert.equal(answer.status, 404, path);
    }
    assert.equal((await api.call('GET', '/web/app.js/x', { token: null })).status, 401, 'one segment only');
    assert.equal((await api.call('GET', '/alarms', { token: null })).status, 401, 'the data needs a token');
  });

  it('creates, lists and revokes tokens through the operator routes; a revoked token stops at once', async () => {
    const created = await api.call<{ token: string; tokenId: string; scope: string }>('POST', '/tokens', {
      body: { name: 'ci', scope: 'operator' },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^swk_[0-9a-f]{16}_/);
    assert.equal((await api.call('GET', '/stats', { token: created.body.token })).status, 200);
    const listed = await api.call<{ tokens: Record<string, unknown>[] }>('GET', '/tokens');
    const mine = listed.body.tokens.find((token) => token.tokenId === created.body.tokenId);
    assert.ok(mine);
    assert.deepEqual(
      Object.keys(mine).sort(),
      ['createdAt', 'name', 'scope', 'tokenId'],
      'no hash, no secret',
    );
    assert.equal((await api.call('DELETE', `/tokens/${created.body.tokenId}`)).status, 200);
    assert.equal((await api.call('GET', '/stats', { token: created.body.token })).status, 401);
    assert.equal((await api.call('DELETE', '/tokens/ffffffffffffffff')).status, 404);
  });

  it('serves an OpenAPI 3.1 document, behind a token, naming every route of the router', async () => {
    const answer = await api.call<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>>;
    }>('GET', '/openapi.json');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.openapi, '3.1.0');
    for (const route of routerRoutes(api)) {
      const operation = answer.body.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.path} is in the document`);
    }
    const documented = Object.values(answer.body.paths).reduce(
      (sum, methods) => sum + Object.keys(methods).length,
      0,
    );
    assert.equal(documented, routerRoutes(api).length, 'and nothing else');
    const create = answer.body.paths['/definitions']?.post?.requestBody;
    assert.ok(create, 'bodies come with their schema');
    assert.equal((await api.call('GET', '/openapi.json', { token: api.workerToken })).status, 403);
  });
});
