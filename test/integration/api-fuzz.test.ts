/**
 * Property: whatever arrives — random or almost-valid bodies, queries and path parameters,
 * cursors from other listings or forged, nesting up to 100,000 deep, objects of up to 100,000
 * keys, bodies up to 10 MB, Unicode edge cases, numbers of every form in every query parameter —
 * no route answers 5xx or drops the connection, a refused request gets a 4xx naming the field,
 * and nothing changes.
 *
 * Every case is sent over real HTTP to the local API server (one keep-alive connection: a reset
 * fails the case). Every table and every queue depth is compared with the state before the run
 * after every batch of BATCH cases and at the end of each category: a full comparison costs more
 * than a case, and a case that changes anything fails its batch, which is printed whole with the
 * tables and queues that changed. The number of cases per category is printed;
 * API_FUZZ_SCALE=n multiplies them.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import type { z } from 'zod';
import { type ApiServer, startApiServer } from '../../local/api-server.ts';
import {
  apiRoutes,
  type ErrorBody,
  MAX_BODY_BYTES,
  MAX_BODY_DEPTH,
  MAX_OBJECT_KEYS,
  NO_QUERY,
  type Route,
} from '../../shared/api/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import {
  FolderHistoryDestination,
  FolderHistoryExports,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { type Answer, apiStage, type ApiStage, definitionRow, httpCall } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { encodeRunMessage } from '../../shared/queues/index.ts';

const SCALE = Number(process.env.API_FUZZ_SCALE ?? 1);
const CASES_PER_ROUTE = Math.round(Number(process.env.API_FUZZ_CASES_PER_ROUTE ?? 20) * SCALE);
/** Cases per category beyond the per-route ones; big bodies are few, small cases many. */
const CASES = {
  cursor: 1500,
  nesting: 600,
  keys: 120,
  size: 12,
  unicode: 1200,
  numbers: 1500,
};
const casesOf = (category: keyof typeof CASES) => Math.max(1, Math.round(CASES[category] * SCALE));
/** Cases between two comparisons of every table and queue. */
const BATCH = 25;

/** A valid body per route with one: the fuzz breaks these one field at a time. */
const EXAMPLE_BODIES: Record<string, unknown> = {
  'POST /definitions': { definitions: [definitionRow('fz-new')], mode: 'atomic' },
  'PATCH /definitions/:definitionId': { priority: 'high', expectedVersion: 1 },
  'POST /definitions/:definitionId/run': { requestId: 'fuzz-request-1' },
  'POST /runs/retry-failed': { status: 'FAILED', crawlType: 'category', limit: 5 },
  'POST /dlq/:priority/redrive': { all: true },
  'POST /tokens': { name: 'fuzz', scope: 'operator' },
  'POST /rules': {
    id: 'fz-new-rule',
    name: 'fuzz rule',
    scope: { kind: 'definition', definitionId: 'fz-1' },
    condition: { kind: 'price_below', amount: 10, currency: 'USD' },
    coolDownMinutes: 60,
    delivery: { sns: true, webhooks: ['fz-hook'] },
  },
  'PATCH /rules/:ruleId': { enabled: false, condition: { kind: 'entered_top', top: 10 } },
  'POST /rules/:ruleId/test': { itemKey: 'ozon#RU#item-1', days: 7 },
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
  key: ['ozon:RU:item-1', 'ozon:RU:missing'],
  ruleId: ['fz-rule', 'fz-missing'],
};

interface Request {
  readonly path: string;
  readonly query: string;
  readonly body: string | undefined;
  readonly kind: string;
}

const routeKey = (route: Route) => `${route.method.toUpperCase()} ${route.path}`;
/**
 * Whether `schema` refuses `value` as the API will receive it: judged on the JSON round trip, not
 * the generated value (`{ __proto__: … }` has no own key and is sent as `{}`, which a body of
 * optional fields accepts — a "refused" case that created a run once in ~10 runs).
 */
const fails = (schema: z.ZodType | undefined, value: unknown) =>
  !!schema &&
  // The API refuses a body nested deeper than MAX_BODY_DEPTH before parsing it; a schema walk of
  // 3,000 levels (z.json() recurses) can overflow this process's stack, depending on how deep
  // the call that judges it already is — it failed this test once in a suite run.
  (depthOf(value) > MAX_BODY_DEPTH ||
    !schema.safeParse(value === undefined ? value : JSON.parse(JSON.stringify(value))).success);

/** How deep arrays and objects nest in `value`, without recursion (a root scalar is 0). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

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
    { __proto__: { polluted: true } }, // sent as {}
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown, // an own __proto__ key
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
    // GET /exports: days, slots, formats (valid ones stream a file of the fuzz's history folder).
    fc.constantFrom(
      '2026-11-23',
      '2026-11-24T19:00Z',
      '2026-02-30',
      '2027-01-01',
      'csv',
      'jsonl',
      'parquet',
      'xlsx',
    ),
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
    'since',
    'until',
    'format',
    'definition',
    'kind',
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
      definitions: [
        definitionRow('fz-1', { executor: 'any' }),
        definitionRow('fz-2', { enabled: false, priority: 'high' }),
      ],
    },
  });
  assert.equal(created.status, 201);
  await api.deps.expander.runNow('fz-1', 'queued-1', api.now); // stays QUEUED, its message on the queue
  const running = await api.deps.expander.runNow('fz-1', 'running-1', api.now);
  const failed = await api.deps.expander.runNow('fz-2', 'failed-1', api.now);
  const dead = await api.deps.expander.runNow('fz-2', 'dead-1', api.now);
  const worker = await api.deps.tokens.create({ name: 'fuzz worker', scope: 'worker' }, api.now);
  await api.deps.broker.register({ workerId: 'fz-w', tokenId: worker.tokenId }, api.now);
  await api.deps.broker.register({ workerId: 'fz-w2', tokenId: worker.tokenId }, api.now);
  const held = await api.deps.runs.acquire(running.runId, 'worker:fz-w', api.now, 3_600_000);
  assert.ok(held.acquired);
  await api.deps.workers.heartbeat('fz-w', api.now, running.runId);
  const snapshots = [1, 2].map((n) =>
    snapshotOf(
      { ...held.run, pageNumber: 1, capturedBy: 'worker:fz-w' },
      { id: `item-${n}`, price: 10 * n, position: n },
      api.now,
      30,
    ),
  );
  await api.deps.items.save(snapshots);
  await api.deps.changes.record(snapshots, { nowMs: api.now }); // item states and first_seen changes
  const failing = await api.deps.runs.acquire(failed.runId, 'scraper', api.now, 60_000);
  assert.ok(failing.acquired);
  await api.deps.runs.complete(failing.lease, { status: 'FAILED' }, api.now);
  await api.deps.runs.markDeadLettered(dead.runId, api.now);
  for (const [id, condition] of [
    ['fz-rule', { kind: 'back_in_stock' }],
    ['fz-rule-2', { kind: 'price_drop_from_lowest', percent: 10, days: 7 }],
  ] as const) {
    await api.deps.rules.create({ id, name: id, scope: { kind: 'all' }, condition }, api.now);
  }
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: api.stage.resources.queues.high.deadLetterUrl,
      MessageBody: encodeRunMessage({ runId: dead.runId, definitionId: 'fz-2', slot: dead.slot, attempt: 1 }),
    }),
  );
}

/** Listings a cursor can come from (each also takes `limit`); the cursor category mixes them. */
const LISTINGS = [
  '/runs?status=QUEUED',
  '/runs?status=FAILED',
  '/runs?status=RUNNING&order=asc',
  '/runs?crawlType=category',
  '/runs?crawlType=category&order=asc',
  '/runs?definitionId=fz-1',
  '/runs?definitionId=fz-2&from=2000-01-01T00:00:00Z',
  '/definitions',
  '/definitions?platform=ozon',
  '/definitions?enabled=true',
  '/workers',
  '/rules',
  `/runs/${encodeURIComponent('fz-1@manual-running-1')}/items`,
  '/changes',
  '/changes?definitionId=fz-1',
  '/changes?kind=first_seen',
  '/items/ozon:RU:item-1/changes',
  '/items/ozon:RU:item-1/changes?kind=first_seen',
  '/items/ozon:RU:item-1/history',
];

interface HandedOut {
  readonly listing: string;
  readonly cursor: string;
}

/** A case: one request and what its answer must show beyond "no 5xx, connection kept". */
interface FuzzCase {
  readonly category: string;
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly token: string;
  check(answer: Answer<ErrorBody>, where: string): void;
}

const fieldsOf = (answer: Answer<ErrorBody>) => answer.body.error.issues.map((issue) => issue.field);

/** A 4xx that says what was wrong: a message, and on a 400 every issue names a field. */
function assertRefused(answer: Answer<ErrorBody>, where: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} for ${where}`);
  assert.ok(answer.body.error.message.length > 0, `a message for ${where}`);
  if (answer.status === 400) {
    assert.ok(answer.body.error.issues.length > 0, `issues named for ${where}`);
    for (const issue of answer.body.error.issues) assert.ok(issue.field && issue.message, where);
  }
}

/** Refused with `status`, naming `field` (and only it). */
const refusedNaming =
  (status: number, field: string) =>
  (answer: Answer<ErrorBody>, where: string): void => {
    assert.equal(answer.status, status, `${where}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    assert.deepEqual(fieldsOf(answer), [field], where);
  };

/** What a seed's or a listing's text looks like in a failure message. */
const shown = (body: string | undefined) =>
  body === undefined
    ? ''
    : `${body.slice(0, 160)}${body.length > 160 ? `… (${Buffer.byteLength(body)} bytes)` : ''}`;

/** Which tables and queues differ, with a few of the items that came or went. */
function stateDiff(before: string, after: string): string {
  type State = { tables: Record<string, string[]>; queues: Record<string, unknown> };
  const [a, b] = [JSON.parse(before) as State, JSON.parse(after) as State];
  const lines: string[] = [];
  for (const [table, items] of Object.entries(b.tables)) {
    const was = new Set(a.tables[table]);
    const is = new Set(items);
    const added = items.filter((item) => !was.has(item));
    const removed = (a.tables[table] ?? []).filter((item) => !is.has(item));
    if (added.length + removed.length > 0) {
      lines.push(`table ${table}: +${added.slice(0, 3).join(' +')} -${removed.slice(0, 3).join(' -')}`);
    }
  }
  for (const [queue, depth] of Object.entries(b.queues)) {
    if (JSON.stringify(depth) !== JSON.stringify(a.queues[queue])) {
      lines.push(`queue ${queue}: ${JSON.stringify(a.queues[queue])} → ${JSON.stringify(depth)}`);
    }
  }
  return lines.join('\n');
}

/** Sends cases over HTTP, checks each answer, and the state after every batch. */
class FuzzRun {
  readonly counts = new Map<string, number>();
  serverErrors = 0;
  private batch: string[] = [];
  private readonly api: ApiStage;
  private readonly server: ApiServer;
  private readonly agent: Agent;
  private readonly state: string;

  constructor(api: ApiStage, server: ApiServer, agent: Agent, state: string) {
    this.api = api;
    this.server = server;
    this.agent = agent;
    this.state = state;
  }

  async send(fuzzCase: FuzzCase): Promise<void> {
    this.counts.set(fuzzCase.category, (this.counts.get(fuzzCase.category) ?? 0) + 1);
    const where = `${fuzzCase.method} ${fuzzCase.url.slice(0, 300)} ${shown(fuzzCase.body)}`;
    this.batch.push(where);
    const answer = await httpCall<ErrorBody>(this.agent, this.server.url, fuzzCase.method, fuzzCase.url, {
      token: fuzzCase.token,
      ...(fuzzCase.body !== undefined ? { body: fuzzCase.body } : {}),
    });
    if (answer.status >= 500) this.serverErrors += 1;
    assert.ok(answer.status < 500, `${answer.status} for ${where}: ${JSON.stringify(answer.body)}`);
    fuzzCase.check(answer, where);
    if (this.batch.length >= BATCH) await this.checkState();
  }

  async checkState(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    const now = await this.api.dump();
    if (now !== this.state) {
      assert.fail(`the state changed during this batch:\n${batch.join('\n')}\n${stateDiff(this.state, now)}`);
    }
  }

  /** Runs `cases` cases of `arbitrary`; no shrinking (a changed state would follow it), every case printed on failure. */
  async property(arbitrary: fc.Arbitrary<FuzzCase>, cases: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(arbitrary, (fuzzCase) => this.send(fuzzCase)),
      { numRuns: cases, endOnFailure: true },
    );
    await this.checkState();
  }
}

const tokenFor = (api: ApiStage, route: Route) =>
  route.scope === 'worker' ? api.workerToken : api.operatorToken;
const withQuery = (path: string, query: string) =>
  query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
const validPathOf = (route: Route) =>
  pathWith(
    route,
    Object.fromEntries(
      [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => [
        match[1] as string,
        SAMPLE_PARAMS[match[1] as string]?.[0] ?? 'x',
      ]),
    ),
  );

/** The per-route cases of the first version of this test, over HTTP. */
function classicCases(api: ApiStage, route: Route): fc.Arbitrary<FuzzCase> {
  return (route.mutates ? refusedRequest(route) : anyRequest(route)).map((request) => ({
    category: `route:${request.kind}`,
    method: route.method.toUpperCase(),
    url: withQuery(request.path, request.query),
    ...(request.body !== undefined ? { body: request.body } : {}),
    token: tokenFor(api, route),
    check: (answer, where) => {
      if (route.mutates) assertRefused(answer, where);
    },
  }));
}

/** Cursors: handed out by this listing (accepted), by another, mutated, random bytes, forged keys. */
function cursorCases(api: ApiStage, handedOut: readonly HandedOut[]): fc.Arbitrary<FuzzCase> {
  const refused = refusedNaming(400, 'cursor');
  const own = (listing: string) => handedOut.find((handed) => handed.listing === listing);
  const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const mutated = fc
    .tuple(
      fc.constantFrom(...handedOut),
      fc.nat(),
      fc.nat({ max: 63 }),
      fc.constantFrom('flip', 'drop', 'insert', 'cut', 'double', 'case'),
    )
    .map(([handed, at, char, how]) => {
      const text = handed.cursor;
      const index = at % text.length;
      const replacement = base64Alphabet[char] as string;
      const changed = {
        flip: `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`,
        drop: `${text.slice(0, index)}${text.slice(index + 1)}`,
        insert: `${text.slice(0, index)}${replacement}${text.slice(index)}`,
        cut: text.slice(0, index),
        double: `${text}${text}`,
        case: text.replace(/[a-z]/, (letter) => letter.toUpperCase()),
      }[how];
      return { listing: handed.listing, cursor: changed, original: text };
    })
    .filter(({ cursor, original }) => cursor !== original);
  const foreign = fc
    .tuple(fc.constantFrom(...LISTINGS), fc.constantFrom(...handedOut))
    .filter(([listing, handed]) => listing !== handed.listing)
    .map(([listing, handed]) => ({ listing, cursor: handed.cursor }));
  const forgedKeys = fc.oneof(
    fc.jsonValue(),
    fc.record({
      runId: fc.oneof(fc.string(), fc.integer(), fc.constant('x'.repeat(3000))),
      status: fc.constantFrom('QUEUED', 'FAILED', 1, null),
      statusChangedAt: fc.oneof(fc.string(), fc.double()),
    }),
    fc.record({ definitionId: fc.oneof(fc.string(), fc.integer()) }),
    fc.record({ workerId: fc.oneof(fc.string(), fc.integer()) }),
  );
  const made = fc
    .tuple(
      fc.constantFrom(...LISTINGS),
      fc.oneof(
        fc
          .uint8Array({ minLength: 0, maxLength: 400 })
          .map((bytes) => Buffer.from(bytes).toString('base64url')),
        forgedKeys.map((key) => Buffer.from(JSON.stringify(key) ?? 'null').toString('base64url')),
        fc.string({ unit: 'binary', maxLength: 80 }).map(encodeURIComponent),
        fc.constantFrom(
          'NaN',
          '-1',
          '1e309',
          '0',
          'null',
          '%FF',
          '%ED%A0%80',
          '%C0%AF',
          '%00',
          '%',
          'A'.repeat(2049),
        ),
      ),
    )
    .map(([listing, raw]) => ({ listing, raw }));
  return fc.oneof(
    fc.constantFrom(...handedOut).map((handed) => ({
      category: 'cursor:own',
      method: 'GET',
      url: withQuery(handed.listing, `limit=2&cursor=${handed.cursor}`),
      token: api.operatorToken,
      check: (answer: Answer<ErrorBody>, where: string) => assert.equal(answer.status, 200, where),
    })),
    foreign.map(({ listing, cursor }) => ({
      category: 'cursor:other-listing',
      method: 'GET',
      url: withQuery(listing, `cursor=${cursor}`),
      token: api.operatorToken,
      check: refused,
    })),
    mutated.map(({ listing, cursor }) => ({
      category: 'cursor:mutated',
      method: 'GET',
      url: withQuery(listing, `cursor=${encodeURIComponent(cursor)}`),
      token: api.operatorToken,
      check: own(listing)?.cursor === cursor ? () => undefined : refused,
    })),
    made.map(({ listing, raw }) => ({
      category: 'cursor:random',
      method: 'GET',
      url: withQuery(listing, `cursor=${raw}`),
      token: api.operatorToken,
      check: refused,
    })),
  );
}

const bodyRoutes = (routes: readonly Route[]) =>
  routes.filter((route) => route.body && EXAMPLE_BODIES[routeKey(route)] !== undefined);

/** The example body with the value at `path` replaced by raw JSON text (too deep for JSON.stringify). */
function bodyWithRaw(route: Route, path: (string | number)[], raw: string): string {
  const marker = '__fuzz-marker__';
  const text = JSON.stringify(mutate(EXAMPLE_BODIES[routeKey(route)], path, 'replace', marker));
  return text.replace(JSON.stringify(marker), () => raw);
}

/** Nesting from just over the limit to 100,000 levels, of arrays, objects or both, anywhere in a body. */
function nestingCases(api: ApiStage, routes: readonly Route[]): fc.Arbitrary<FuzzCase> {
  const depth = fc.oneof(
    { arbitrary: fc.integer({ min: MAX_BODY_DEPTH + 1, max: 100 }), weight: 6 },
    { arbitrary: fc.integer({ min: 101, max: 5_000 }), weight: 3 },
    { arbitrary: fc.integer({ min: 5_001, max: 100_000 }), weight: 1 },
  );
  return fc
    .constantFrom(...bodyRoutes(routes))
    .chain((route) =>
      fc.tuple(
        fc.constant(route),
        fc.constantFrom(...pathsOf(EXAMPLE_BODIES[routeKey(route)])),
        depth,
        fc.constantFrom('arrays', 'objects', 'both'),
      ),
    )
    .map(([route, path, levels, kind]) => {
      const raw =
        kind === 'arrays'
          ? `${'['.repeat(levels)}${']'.repeat(levels)}`
          : kind === 'objects'
            ? `${'{"a":'.repeat(levels)}0${'}'.repeat(levels)}`
            : `${'[{"a":'.repeat(Math.ceil(levels / 2))}0${'}]'.repeat(Math.ceil(levels / 2))}`;
      const field = path.length > 0 ? String(path[0]) : kind === 'objects' ? 'a' : '0';
      return {
        category: 'nesting',
        method: route.method.toUpperCase(),
        url: validPathOf(route),
        body: bodyWithRaw(route, path, raw),
        token: tokenFor(api, route),
        check: refusedNaming(400, field),
      };
    });
}

/** Objects of more keys than allowed, up to 100,000, anywhere in a body. */
function keyCountCases(api: ApiStage, routes: readonly Route[]): fc.Arbitrary<FuzzCase> {
  const count = fc.oneof(
    { arbitrary: fc.integer({ min: MAX_OBJECT_KEYS + 1, max: 3_000 }), weight: 5 },
    { arbitrary: fc.integer({ min: 3_001, max: 100_000 }), weight: 1 },
  );
  return fc
    .constantFrom(...bodyRoutes(routes))
    .chain((route) =>
      fc.tuple(fc.constant(route), fc.constantFrom(...pathsOf(EXAMPLE_BODIES[routeKey(route)])), count),
    )
    .map(([route, path, keys]) => {
      const raw = `{${Array.from({ length: keys }, (_, n) => `"${n.toString(36)}":0`).join(',')}}`;
      const body = bodyWithRaw(route, path, raw);
      return {
        category: 'keys',
        method: route.method.toUpperCase(),
        url: validPathOf(route),
        body,
        token: tokenFor(api, route),
        check:
          Buffer.byteLength(body) > MAX_BODY_BYTES
            ? refusedNaming(413, '(body)')
            : refusedNaming(400, path.length > 0 ? String(path[0]) : '(body)'),
      };
    });
}

/** Bodies from just over the size limit to 10 MB, to any route; and bodies of exactly the limit. */
function sizeCases(api: ApiStage, routes: readonly Route[]): fc.Arbitrary<FuzzCase> {
  const filler = (bytes: number) => `{"x":"${'y'.repeat(bytes - 8)}"}`;
  const over = fc
    .tuple(
      fc.constantFrom(...routes),
      fc.oneof(
        fc.constantFrom(MAX_BODY_BYTES + 1, 10_000_000),
        fc.integer({ min: MAX_BODY_BYTES + 1, max: 10_000_000 }),
      ),
    )
    .map(([route, bytes]) => ({
      category: 'size:over',
      method: route.method.toUpperCase(),
      url: validPathOf(route),
      body: filler(bytes),
      token: tokenFor(api, route),
      check: refusedNaming(413, '(body)'),
    }));
  const atLimit = fc.constantFrom(...bodyRoutes(routes)).map((route) => ({
    category: 'size:at-limit',
    method: route.method.toUpperCase(),
    url: validPathOf(route),
    body: filler(MAX_BODY_BYTES),
    token: tokenFor(api, route),
    check: (answer: Answer<ErrorBody>, where: string) => {
      assert.notEqual(answer.status, 413, `exactly ${MAX_BODY_BYTES} bytes is within the limit: ${where}`);
      assertRefused(answer, where);
    },
  }));
  return fc.oneof({ arbitrary: over, weight: 3 }, { arbitrary: atLimit, weight: 1 });
}

const UNICODE_EDGES = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '\u202e',
  'abc\u202edcb',
  '\u2066x\u2069',
  '\u200f\u061c',
  '\ufeff',
  '\uffff\ufffe',
  `e${'\u0301'.repeat(300)}`,
  `Z${'\u0337\u0322\u031b\u0316'.repeat(50)}`,
  '👩‍👩‍👧‍👦',
  '🇺🇳',
  '\u0085\u2028\u2029',
  'ＡＢＣ',
  'İß\u00a0',
  ' \t\n\r',
  'ноутбук',
  '笔记本',
];
const unicodeText = fc.oneof(
  fc.constantFrom(...UNICODE_EDGES),
  fc.array(fc.constantFrom(...UNICODE_EDGES), { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
);

/** Percent-encodes any UTF-16 text, lone surrogates too (as WTF-8 bytes, which UTF-8 decoding refuses). */
function percentEncode(text: string): string {
  let encoded = '';
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const pair = unit >= 0xd800 && unit <= 0xdbff ? text.charCodeAt(index + 1) : 0;
    const codePoint =
      pair >= 0xdc00 && pair <= 0xdfff ? ((unit - 0xd800) << 10) + (pair - 0xdc00) + 0x10000 : unit;
    if (codePoint > 0xffff) index += 1;
    const bytes =
      codePoint < 0x80
        ? [codePoint]
        : codePoint < 0x800
          ? [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 63)]
          : codePoint < 0x10000
            ? [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)]
            : [
                0xf0 | (codePoint >> 18),
                0x80 | ((codePoint >> 12) & 63),
                0x80 | ((codePoint >> 6) & 63),
                0x80 | (codePoint & 63),
              ];
    encoded += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return encoded;
}

/** String leaves of a body, as paths. */
const stringPaths = (value: unknown) =>
  pathsOf(value).filter((path) => {
    let node: unknown = value;
    for (const key of path) node = (node as Record<string | number, unknown>)[key];
    return typeof node === 'string';
  });

/** Unicode edge cases in body strings (refused by the schema), path parameters and query values. */
function unicodeCases(api: ApiStage, routes: readonly Route[]): fc.Arbitrary<FuzzCase> {
  const inBody = fc
    .constantFrom(
      ...bodyRoutes(routes).filter((route) => stringPaths(EXAMPLE_BODIES[routeKey(route)]).length > 0),
    )
    .chain((route) =>
      fc.tuple(
        fc.constant(route),
        fc.constantFrom(...stringPaths(EXAMPLE_BODIES[routeKey(route)])),
        unicodeText,
      ),
    )
    .map(([route, path, text]) => ({
      route,
      path,
      body: mutate(EXAMPLE_BODIES[routeKey(route)], path, 'replace', text),
    }))
    .filter(({ route, body }) => fails(route.body, body))
    .map(({ route, path, body }) => ({
      category: 'unicode:body',
      method: route.method.toUpperCase(),
      url: validPathOf(route),
      body: JSON.stringify(body),
      token: tokenFor(api, route),
      check: (answer: Answer<ErrorBody>, where: string) => {
        assertRefused(answer, where);
        if (answer.status === 400) {
          assert.ok(
            fieldsOf(answer).some((field) => field.startsWith(String(path[0]))),
            `${path.join('.')} named: ${where}`,
          );
        }
      },
    }));
  const withParams = routes.filter((route) => route.path.includes(':'));
  const inPath = fc
    .constantFrom(...withParams)
    .chain((route) => fc.tuple(fc.constant(route), unicodeText))
    .filter(
      ([route, text]) =>
        !route.mutates || (text.isWellFormed() && fails(route.params, paramsWith(route, text))),
    )
    .map(([route, text]) => ({
      category: 'unicode:path',
      method: route.method.toUpperCase(),
      url: route.path.replace(/:([A-Za-z]+)/g, () => percentEncode(text)),
      ...(route.mutates && EXAMPLE_BODIES[routeKey(route)] !== undefined
        ? { body: JSON.stringify(EXAMPLE_BODIES[routeKey(route)]) }
        : {}),
      token: tokenFor(api, route),
      check: (answer: Answer<ErrorBody>, where: string) => {
        if (route.mutates) assertRefused(answer, where);
      },
    }));
  const inQuery = fc
    .constantFrom(...routes.filter((route) => !route.mutates && queryNames(route).length > 0))
    .chain((route) => fc.tuple(fc.constant(route), fc.constantFrom(...queryNames(route)), unicodeText))
    .map(([route, name, text]) => ({
      category: 'unicode:query',
      method: 'GET',
      url: withQuery(validPathOf(route), `${baseQuery(route, name)}${name}=${percentEncode(text)}`),
      token: tokenFor(api, route),
      check: (answer: Answer<ErrorBody>, where: string) => {
        if (answer.status >= 400) {
          assertRefused(answer, where);
          assert.ok(fieldsOf(answer).includes(name), `${name} named: ${where}`);
        }
      },
    }));
  return fc.oneof(inBody, inPath, inQuery);
}

function paramsWith(route: Route, text: string): Record<string, string> {
  return Object.fromEntries(
    [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => [match[1] as string, text]),
  );
}

const queryNames = (route: Route) =>
  Object.keys((route.query as { shape?: object } | undefined)?.shape ?? {});

/** The other query parameters a listing needs to be valid without `name` (GET /runs needs an index). */
/** The other required parameters of a route, valid, so a refusal can only be about `name`. */
const EXPORT_WINDOW: Record<string, string> = {
  since: '2026-11-23',
  until: '2026-11-24T19:00Z',
  format: 'csv',
};
const baseQuery = (route: Route, name: string) => {
  if (route.path === '/exports') {
    return Object.entries(EXPORT_WINDOW)
      .filter(([key]) => key !== name)
      .map(([key, value]) => `${key}=${value}&`)
      .join('');
  }
  return route.path === '/runs' && !['status', 'crawlType', 'definitionId'].includes(name)
    ? 'status=QUEUED&'
    : '';
};

const NUMBER_FORMS = [
  '-1',
  '-0',
  '0',
  '1',
  '1.5',
  '-1.5',
  '1e3',
  '1E+3',
  '1e-7',
  '1e309',
  '-1e309',
  '1e999999',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '0x10',
  '0b11',
  '0o7',
  '1_000',
  '007',
  '+5',
  ' 7',
  '7 ',
  '٣',
  '１',
  '9007199254740993',
  '99999999999999999999999999',
  '-99999999999999999999999999',
  '.5',
  '5.',
  '1,5',
  '1e',
  'e1',
  '--1',
  '0.0000000000000000001',
];
const numberText = fc.oneof(
  fc.constantFrom(...NUMBER_FORMS),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.integer().map(String),
  fc.double().map((value) => value.toExponential()),
);

/** Numbers of every form in every query parameter of every route (routes without any refuse them all). */
function numberCases(api: ApiStage, routes: readonly Route[]): fc.Arbitrary<FuzzCase> {
  const declared = fc
    .constantFrom(...routes.filter((route) => queryNames(route).length > 0))
    .chain((route) => fc.tuple(fc.constant(route), fc.constantFrom(...queryNames(route)), numberText))
    .map(([route, name, value]) => ({
      category: 'numbers:declared',
      method: route.method.toUpperCase(),
      url: withQuery(validPathOf(route), `${baseQuery(route, name)}${name}=${encodeURIComponent(value)}`),
      token: tokenFor(api, route),
      check: (answer: Answer<ErrorBody>, where: string) => {
        if (answer.status >= 400) {
          assertRefused(answer, where);
          assert.ok(fieldsOf(answer).includes(name), `${name} named: ${where}`);
        }
      },
    }));
  const undeclared = fc
    .tuple(
      fc.constantFrom(...routes.filter((route) => queryNames(route).length === 0)),
      fc.constantFrom('limit', 'cursor', 'page', 'hours'),
      numberText,
    )
    .map(([route, name, value]) => ({
      category: 'numbers:undeclared',
      method: route.method.toUpperCase(),
      url: withQuery(validPathOf(route), `${name}=${encodeURIComponent(value)}`),
      ...(EXAMPLE_BODIES[routeKey(route)] !== undefined
        ? { body: JSON.stringify(EXAMPLE_BODIES[routeKey(route)]) }
        : {}),
      token: tokenFor(api, route),
      check: (answer: Answer<ErrorBody>, where: string) => {
        assertRefused(answer, where);
        assert.ok(
          answer.body.error.issues.some((issue) => issue.message.includes(`"${name}"`)),
          `${name} named: ${where}`,
        );
      },
    }));
  return fc.oneof(declared, undeclared);
}

/** The history GET /exports reads: a few snapshots on 2026-11-23 (the fuzz's days and slots). */
function historySnapshots() {
  return ['2026-11-23T19:00Z', '2026-11-24T19:00Z'].flatMap((slot) =>
    [1, 2, 3].map((n) =>
      snapshotOf(
        {
          runId: `fz-1@${slot}`,
          definitionId: 'fz-1',
          slot,
          platform: 'ozon',
          marketplace: 'RU',
          crawlType: 'category',
          pageNumber: 1,
          capturedBy: 'scraper',
        },
        { id: `item-${n}`, price: 10 * n, position: n },
        Date.parse(slot) + 60_000,
        30,
      ),
    ),
  );
}

describe('fuzzing every route of the API', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let server: ApiServer;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const handedOut: HandedOut[] = [];
  let history: string;
  before(async () => {
    history = await mkdtemp(path.join(tmpdir(), 'shelfwatch-fuzz-history-'));
    await writeHistory(SNAPSHOT_HISTORY, historySnapshots(), new FolderHistoryDestination(history));
    api = await apiStage(local(), { historyExports: new FolderHistoryExports(history) });
    await seed(api, local().clients.sqs);
    server = await startApiServer({ dependencies: api.deps });
    for (const listing of LISTINGS) {
      const page = await httpCall<{ cursor?: string }>(
        agent,
        server.url,
        'GET',
        withQuery(listing, 'limit=1'),
        {
          token: api.operatorToken,
        },
      );
      assert.equal(page.status, 200, listing);
      if (page.body.cursor) handedOut.push({ listing, cursor: page.body.cursor });
    }
    assert.ok(
      handedOut.length >= 8,
      `cursors from most listings: ${handedOut.map((h) => h.listing).join(', ')}`,
    );
  });
  after(async () => {
    agent.destroy();
    await server?.stop();
    if (history) await rm(history, { recursive: true, force: true });
  });

  it('never answers 5xx or drops the connection, refuses what it must with 4xx naming the field, and changes nothing', async () => {
    const routes = apiRoutes(api.deps).filter((route) => route.scope !== 'public');
    const publicRoutes = apiRoutes(api.deps).filter((route) => route.scope === 'public');
    assert.deepEqual(publicRoutes.map(routeKey).sort(), ['GET /', 'GET /health', 'GET /web/:file']);
    assert.equal(
      routes.length + publicRoutes.length,
      api.app.routes.filter((route) => route.method !== 'ALL').length,
      'every route the router serves is fuzzed here, or is public',
    );
    const run = new FuzzRun(api, server, agent, await api.dump());
    const started = Date.now();
    for (const route of routes) await run.property(classicCases(api, route), CASES_PER_ROUTE);
    await run.property(cursorCases(api, handedOut), casesOf('cursor'));
    await run.property(nestingCases(api, routes), casesOf('nesting'));
    await run.property(keyCountCases(api, routes), casesOf('keys'));
    await run.property(sizeCases(api, routes), casesOf('size'));
    await run.property(unicodeCases(api, routes), casesOf('unicode'));
    await run.property(numberCases(api, routes), casesOf('numbers'));
    const total = [...run.counts.values()].reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `# api fuzz: ${total} cases over ${routes.length} routes in ${Math.round((Date.now() - started) / 1000)} s, ${run.serverErrors} answered 5xx\n` +
        `#   ${[...run.counts]
          .sort()
          .map(([category, n]) => `${category} ${n}`)
          .join(', ')}\n`,
    );
    const expected =
      routes.length * CASES_PER_ROUTE +
      (Object.keys(CASES) as (keyof typeof CASES)[]).reduce((sum, category) => sum + casesOf(category), 0);
    assert.equal(total, expected, 'every generated case was sent');
    assert.ok(total >= 5000 * SCALE, `at least 5,000 cases per run (${total})`);
  });
});
