/**
 * API test harness: a fresh stage in the local emulators, the API's dependencies wired to it with
 * a settable clock, one token per scope, and `call()` driving the app in-process.
 */
import { randomUUID } from 'node:crypto';
import { type Agent, request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  createApi,
  createApiDependencies,
  type ApiDependencies,
  type ApiOptions,
  type ErrorBody,
} from '../../shared/api/index.ts';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import type { LocalInfrastructure, ProvisionedStage } from '../../local/infrastructure.ts';
import { thisHour } from './clock.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import { type TableName, TABLES } from '../../shared/catalogue/index.ts';

export interface ApiStage {
  readonly stage: ProvisionedStage;
  readonly deps: ApiDependencies;
  readonly app: ReturnType<typeof createApi>;
  readonly operatorToken: string;
  readonly workerToken: string;
  /** The clock the API reads; tests move it. */
  now: number;
  /** `T`: the body the test expects (the answer is parsed JSON, not checked against T). */
  call<T = ErrorBody>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  /** Every item of every table (sorted) and every queue's depths: the state a bad request must not change. */
  dump(): Promise<string>;
}

export interface CallOptions {
  /** Default: the operator token; `null`: no Authorization header. */
  readonly token?: string | null;
  /** JSON-encoded unless a string (sent as is). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

export const T0 = thisHour(5);

export async function apiStage(local: LocalInfrastructure, options: ApiOptions = {}): Promise<ApiStage> {
  const stage = await local.provision(`a${randomUUID().slice(0, 8)}`);
  const holder = { now: T0 };
  const resources = resourceEnvironment(stage.environment);
  const deps = createApiDependencies(createStores(resources, local.clients), resources, local.clients, {
    clock: () => holder.now,
    ...options,
  });
  const operator = await deps.tokens.create({ name: 'test operator', scope: 'operator' }, T0);
  const worker = await deps.tokens.create({ name: 'test worker', scope: 'worker' }, T0);
  const app = createApi(deps);
  const api: ApiStage = {
    stage,
    deps,
    app,
    operatorToken: operator.token,
    workerToken: worker.token,
    get now() {
      return holder.now;
    },
    set now(value: number) {
      holder.now = value;
    },
    async call<T>(method: string, path: string, callOptions: CallOptions = {}): Promise<Answer<T>> {
      const token = callOptions.token === undefined ? operator.token : callOptions.token;
      const headers: Record<string, string> = { ...callOptions.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (callOptions.body !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = typeof callOptions.body === 'string' ? callOptions.body : JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text for the assertion that will fail on it
      }
      return { status: response.status, body: parsed as T };
    },
    dump: () => dumpState(local, stage),
  };
  return api;
}

async function dumpState(local: LocalInfrastructure, stage: ProvisionedStage): Promise<string> {
  const { documents, sqs } = local.clients;
  // Every table and queue is read at once: the dump runs after every fuzz batch.
  const scan = async (table: TableName): Promise<[string, string[]]> => {
    const items: unknown[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: stage.resources.tables[table],
          ExclusiveStartKey: cursor,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return [table, items.map((item) => JSON.stringify(item, sortedKeys)).sort()];
  };
  const depths = async (name: string, url: string): Promise<[string, unknown]> => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return [name, Attributes];
  };
  const [tables, queues] = await Promise.all([
    Promise.all((Object.keys(TABLES) as TableName[]).map(scan)),
    Promise.all(
      PRIORITIES.flatMap((priority) => [
        depths(priority, stage.resources.queues[priority].url),
        depths(`${priority}-http`, stage.resources.queues[priority].httpUrl),
        depths(`${priority}-dlq`, stage.resources.queues[priority].deadLetterUrl),
      ]),
    ),
  ]);
  return JSON.stringify({ tables: Object.fromEntries(tables), queues: Object.fromEntries(queues) });
}

/** JSON.stringify replacer that sorts object keys (and shows Sets), so equal items print equally. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...(value as Set<unknown>)].sort();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
  }
  return value;
}

/** A valid definition row for tests. */
export const definitionRow = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  platform: 'ozon',
  marketplace: 'RU',
  crawlType: 'category',
  target: `https://www.ozon.ru/category/${id}/`,
  schedule: { kind: 'every', everyHours: 6 },
  priority: 'normal',
  params: { maxPages: 5, maxItems: 100 },
  ...overrides,
});

/**
 * One request over real HTTP (node:http, a keep-alive agent): the answer, or a rejection if the
 * connection was reset or dropped — which the API must never do.
 */
export function httpCall<T = ErrorBody>(
  agent: Agent,
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: string | Buffer } = {},
): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(options.body);
    }
    const request = httpRequest(new URL(path, baseUrl), { method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text for the assertion that will fail on it
        }
        resolve({ status: response.statusCode ?? 0, body: parsed as T });
      });
    });
    request.on('error', (error) =>
      reject(new Error(`${method} ${path}: connection failed: ${error.message}`)),
    );
    request.end(options.body);
  });
}
