/**
 * Property: whatever arrives — random or almost-valid bodies, queries and path parameters — no
 * route answers 5xx, and a request the route's schema refuses changes nothing: every table and
 * every queue depth is compared before and after each case.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import type { z } from 'zod';
import { apiRoutes, type ErrorBody, NO_QUERY, type Route } from '../../shared/api/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { encodeRunMessage } from '../../shared/queues/index.ts';

const CASES_PER_ROUTE = Number(process.env.API_FUZZ_CASES_PER_ROUTE ?? 20);

/** A valid body per route with one: the fuzz breaks these one field at a time. */
const EXAMPLE_BODIES: Record<string, unknown> = {
  'POST /definitions': { definitions: [definitionRow('fz-new')], mode: 'atomic' },
  'PATCH /definitions/:definitionId': { priority: 'high', expectedVersion: 1 },
  'POST /definitions/:definitionId/run': { requestId: 'fuzz-request-1' },
  'POST /runs/retry-failed': { status: 'FAILED', crawlType: 'category', limit: 5 },
  'POST /dlq/:priority/redrive': { all: true },
  'POST /tokens': { name: 'fuzz', scope: 'operator' },
  'POST /market/tasks/worker/register': { worker_id: 'fz-w', worker_name: 'w', browser_type: 'chrome' },
  'POST /market/tasks/pull': { worker_id: 'fz-w', limit: 1 },
  'POST /market/tasks/update': {
    task_id: 'fz-1@2026-11-23T19:00Z',
    worker_id: 'fz-w',
    status: 'IN_PROGRESS',
    progress: { current_page: 2, scraped_count: 20, last_product_id: 'x' },
  },
  'POST /market/tasks/complete': {
    task_id: 'fz-1@2026-11-23T19:00Z',
    worker_id: 'fz-w',
    status: 'DONE',
    result: { scraped_count: 1 },
  },
  'POST /market/tasks/create': {
    tasks: [{ platform: 'ozon', market: 'RU', url: 'https://www.ozon.ru/c/1/', data_type: 'category_page' }],
  },
  'POST /market/snapshots/ingest': [{ product_id: '1', price: 10, url: 'https://www.ozon.ru/p/1/' }],
};

const SAMPLE_PARAMS: Record<string, string[]> = {
  definitionId: ['fz-1', 'fz-missing'],
  runId: ['fz-1@2026-11-23T19:00Z', 'fz-missing@2026-11-23T19:00Z'],
  priority: ['high', 'normal', 'low'],
  workerId: ['fz-w', 'fz-missing'],
  tokenId: ['0123456789abcdef'],
};

interface Request {
  readonly path: string;
  readonly query: string;
  readonly body: string | undefined;
  readonly kind: string;
}

const routeKey = (route: Route) => `${route.method.toUpperCase()} ${route.path}`;
const fails = (schema: z.ZodType | undefined, value: unknown) => !!schema && !schema.safeParse(value).success;

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    null,
    '',
    -1,
    1e308,
    0.5,
    [],
    {},
    'x'.repeat(5000),
    '__proto__',
    { __proto__: { polluted: true } },
    { constructor: { prototype: {} } },
    '\u0000',
    '2026-13-45T99:99:99Z',
  ),
  // Deep nesting: parsers and schema walkers must not overflow the stack.
  fc
    .integer({ min: 50, max: 3000 })
    .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
);

const garbageText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '..', 'a/b', '@', 'a@', '@b', 'x'.repeat(300), 'é', '\u202e', 'null'),
);

/** Every path in a JSON value, as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** The value with the element at `path` deleted, replaced, or given an unknown sibling. */
function mutate(
  value: unknown,
  path: (string | number)[],
  op: 'delete' | 'replace' | 'add',
  novel: unknown,
): unknown {
  if (path.length === 0)
    return op === 'add' && value && typeof value === 'object' ? { ...value, zz: novel } : novel;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op === 'replace') parent[last] = novel;
  else if (!Array.isArray(parent)) parent[`${String(last)}_zz`] = novel;
  else parent.push(novel);
  return copy;
}

function pathWith(route: Route, params: Record<string, string>, raw = false): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    raw ? (params[name] ?? '') : encodeURIComponent(params[name] ?? ''),
  );
}

const validParams = (route: Route): fc.Arbitrary<Record<string, string>> => {
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  return fc.record(
    Object.fromEntries(names.map((name) => [name, fc.constantFrom(...(SAMPLE_PARAMS[name] ?? ['x']))])),
  );
};

/** Requests the route's schemas refuse: one part broken, the others as valid as they come. */
function refusedRequest(route: Route): fc.Arbitrary<Request> {
  const example = EXAMPLE_BODIES[routeKey(route)];
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  const options: fc.Arbitrary<Request>[] = [];
  const encode = (body: unknown) => (body === undefined ? undefined : JSON.stringify(body));
  if (route.body) {
    const bodies = fc.oneof(
      example === undefined
        ? nasty
        : fc
            .tuple(
              fc.constantFrom(...pathsOf(example)),
              fc.constantFrom('delete', 'replace', 'add' as const),
              nasty,
            )
            .map(([path, op, novel]) => mutate(example, path, op, novel)),
      nasty,
    );
    options.push(
      fc
        .tuple(
          validParams(route),
          bodies.filter((body) => fails(route.body, body)),
        )
        .map(([params, body]) => ({
          path: pathWith(route, params),
          query: '',
          body: encode(body),
          kind: 'body',
        })),
      fc
        .tuple(
          validParams(route),
          fc.string({ maxLength: 60 }).filter((text) => !isJson(text)),
        )
        .map(([params, text]) => ({
          path: pathWith(route, params),
          query: '',
          body: text,
          kind: 'not-json',
        })),
    );
  }
  if (names.length > 0) {
    const params = fc
      .record(Object.fromEntries(names.map((name) => [name, garbageText])))
      .filter(
        (candidate) => fails(route.params, candidate) && Object.values(candidate).every((v) => v !== ''),
      );
    options.push(
      fc.tuple(params, fc.option(nasty, { nil: undefined })).map(([candidate, body]) => ({
        path: pathWith(route, candidate),
        query: '',
        body: encode(body),
        kind: 'path',
      })),
      fc.constantFrom('%', '%zz', '%E0%A4%A', '%00').map((raw) => ({
        path: pathWith(route, Object.fromEntries(names.map((name) => [name, raw])), true),
        query: '',
        body: undefined,
        kind: 'bad-escape',
      })),
    );
  }
  options.push(
    fc
      .tuple(
        validParams(route),
        fc
          .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), {
            minKeys: 1,
          })
          .filter((query) => fails(route.query ?? NO_QUERY, query)),
      )
      .map(([params, query]) => ({
        path: pathWith(route, params),
        query: new URLSearchParams(query).toString(),
        body: encode(example),
        kind: 'query',
      })),
  );
  return fc.oneof(...options);
}

/** Anything for a read-only route: valid or not. */
function anyRequest(route: Route): fc.Arbitrary<Request> {
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  const params = fc.record(
    Object.fromEntries(
      names.map((name) => [name, fc.oneof(fc.constantFrom(...(SAMPLE_PARAMS[name] ?? ['x'])), garbageText)]),
    ),
  );
  const queryValue = fc.oneof(
    fc.constantFrom(
      'QUEUED',
      'FAILED',
      'RUNNING',
      'category',
      'fz-1',
      '1',
      '0',
      '1000',
      '1001',
      'true',
      'asc',
      '',
    ),
    fc.constantFrom('2026-11-23T00:00:00Z', '2026-11-24T00:00:00+05:30', 'yesterday'),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
    fc.string({ maxLength: 30 }),
  );
  const queryKey = fc.constantFrom(
    'status',
    'crawlType',
    'definitionId',
    'from',
    'to',
    'limit',
    'cursor',
    'order',
    'platform',
    'enabled',
    'x',
  );
  return fc.tuple(params, fc.dictionary(queryKey, queryValue, { maxKeys: 4 })).map(([candidate, query]) => ({
    path: pathWith(route, candidate),
    query: new URLSearchParams(query).toString(),
    body: undefined,
    kind: 'read',
  }));
}

function isJson(text: string): boolean {
  if (text.trim() === '') return true; // an empty body is "no body", which some routes accept
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function seed(api: ApiStage, sqs: SQSClient): Promise<void> {
  const created = await api.call('POST', '/definitions', {
    body: {
      definitions: [definitionRow('fz-1'), definitionRow('fz-2', { enabled: false, priority: 'high' })],
    },
  });
  assert.equal(created.status, 201);
  await api.deps.expander.runNow('fz-1', 'queued-1', api.now); // stays QUEUED, its message on the queue
  const running = await api.deps.expander.runNow('fz-1', 'running-1', api.now);
  const failed = await api.deps.expander.runNow('fz-2', 'failed-1', api.now);
  const dead = await api.deps.expander.runNow('fz-2', 'dead-1', api.now);
  const worker = await api.deps.tokens.create({ name: 'fuzz worker', scope: 'worker' }, api.now);
  await api.deps.broker.register({ workerId: 'fz-w', tokenId: worker.tokenId }, api.now);
  const held = await api.deps.runs.acquire(running.runId, 'worker:fz-w', api.now, 3_600_000);
  assert.ok(held.acquired);
  await api.deps.workers.heartbeat('fz-w', api.now, running.runId);
  const snapshot = snapshotOf(
    { ...held.run, pageNumber: 1, capturedBy: 'worker:fz-w' },
    { id: 'item-1', price: 10, position: 1 },
    api.now,
    30,
  );
  await api.deps.items.save([snapshot]);
  const failing = await api.deps.runs.acquire(failed.runId, 'scraper', api.now, 60_000);
  assert.ok(failing.acquired);
  await api.deps.runs.complete(failing.lease, { status: 'FAILED' }, api.now);
  await api.deps.runs.markDeadLettered(dead.runId, api.now);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: api.stage.resources.queues.high.deadLetterUrl,
      MessageBody: encodeRunMessage({ runId: dead.runId, definitionId: 'fz-2', slot: dead.slot, attempt: 1 }),
    }),
  );
}

describe('fuzzing every route of the API', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  before(async () => {
    api = await apiStage(local());
    await seed(api, local().clients.sqs);
  });

  it('never answers 5xx, refuses what its schemas refuse with 4xx naming the field, and changes nothing', async () => {
    const routes = apiRoutes(api.deps).filter((route) => route.scope !== 'public');
    const publicRoutes = apiRoutes(api.deps).filter((route) => route.scope === 'public');
    assert.deepEqual(publicRoutes.map(routeKey).sort(), ['GET /', 'GET /health', 'GET /web/:file']);
    assert.equal(
      routes.length + publicRoutes.length,
      api.app.routes.filter((route) => route.method !== 'ALL').length,
      'every route the router serves is fuzzed here, or is public',
    );
    const state = await api.dump();
    let cases = 0;
    const kinds = new Map<string, number>();
    for (const route of routes) {
      const token = route.scope === 'worker' ? api.workerToken : api.operatorToken;
      await fc.assert(
        fc.asyncProperty(route.mutates ? refusedRequest(route) : anyRequest(route), async (request) => {
          cases += 1;
          kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
          const url = `${request.path}${request.query ? `?${request.query}` : ''}`;
          const answer = await api.call<ErrorBody>(route.method.toUpperCase(), url, {
            token,
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          const where = `${route.method.toUpperCase()} ${url} ${request.body?.slice(0, 200) ?? ''}`;
          assert.ok(answer.status < 500, `${answer.status} for ${where}: ${JSON.stringify(answer.body)}`);
          if (route.mutates) {
            assert.ok(answer.status >= 400, `${answer.status} for ${where}`);
            assert.ok(answer.body.error.message.length > 0);
            if (answer.status === 400) {
              assert.ok(answer.body.error.issues.length > 0, `issues named for ${where}`);
              for (const issue of answer.body.error.issues) assert.ok(issue.field && issue.message);
            }
          }
          assert.equal(await api.dump(), state, `state changed by ${where}`);
        }),
        { numRuns: CASES_PER_ROUTE },
      );
    }
    const oversized = await api.call<ErrorBody>('POST', '/definitions', { body: 'x'.repeat(1_100_000) });
    assert.equal(oversized.status, 413);
    cases += 1;
    assert.equal(await api.dump(), state);
    process.stdout.write(
      `# api fuzz: ${cases} cases over ${routes.length} routes (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})\n`,
    );
    assert.equal(cases, routes.length * CASES_PER_ROUTE + 1);
  });
});
