/**
 * Every body meets a size and a shape limit before it is parsed (issue 17, item 2): nesting
 * 10,000 deep in `progress` or `result` answered 500, a 10 MB body reset the connection. Each case
 * runs over real HTTP against the local API server and through the Lambda handler with an
 * API Gateway event, and must answer the same 4xx naming the field, and change nothing.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { type ApiServer, startApiServer } from '../../local/api-server.ts';
import { MAX_BODY_DEPTH, MAX_OBJECT_KEYS, type ErrorBody } from '../../shared/api/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, type ApiStage, type Answer, definitionRow, httpCall } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyResult>;

const arrays = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const objects = (depth: number, inner = '1') => `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
/** An object of `count` distinct short keys: 100,000 of them stay under the 1 MiB body limit. */
const wide = (count: number) =>
  `{${Array.from({ length: count }, (_, n) => `"${n.toString(36)}":0`).join(',')}}`;

function lambdaEvent(method: string, path: string, token: string, body: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'api.example.com',
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:19:05:00 +0000',
      timeEpoch: Date.now(),
    },
  };
}

describe('body size and shape limits', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let server: ApiServer;
  let handler: Handler;
  let held: Run;
  const agent = new Agent({ keepAlive: true });

  before(async () => {
    api = await apiStage(local());
    // The handler module wires itself from the environment at import: point it at this stage.
    Object.assign(process.env, api.stage.environment);
    ({ handler } = (await import('../../functions/api/handler.ts')) as unknown as { handler: Handler });
    server = await startApiServer({ dependencies: api.deps });
    assert.equal(
      (
        await api.call('POST', '/definitions', {
          body: { definitions: [definitionRow('bl-1', { executor: 'any' })] },
        })
      ).status,
      201,
    );
    const run = await api.deps.expander.runNow('bl-1', 'body-limits', api.now);
    const tokenId = /^swk_([0-9a-f]{16})_/.exec(api.workerToken)?.[1] as string;
    await api.deps.broker.register({ workerId: 'bl-w', tokenId }, api.now);
    const acquired = await api.deps.runs.acquire(run.runId, 'worker:bl-w', api.now, 3_600_000);
    assert.ok(acquired.acquired);
    held = acquired.run;
    await api.deps.workers.heartbeat('bl-w', api.now, held.runId);
  });
  after(async () => {
    agent.destroy();
    await server.stop();
  });

  const update = (progress: string) =>
    `{"task_id":${JSON.stringify(held.runId)},"worker_id":"bl-w","status":"IN_PROGRESS","progress":${progress}}`;
  const complete = (result: string) =>
    `{"task_id":${JSON.stringify(held.runId)},"worker_id":"bl-w","status":"DONE","result":${result}}`;

  /** The same request over HTTP and through the Lambda handler: both answers. */
  async function bothWays(path: string, body: string, token = api.workerToken): Promise<Answer<ErrorBody>[]> {
    const overHttp = await httpCall(agent, server.url, 'POST', path, { token, body });
    const viaLambda = await handler(lambdaEvent('POST', path, token, body), {});
    return [overHttp, { status: viaLambda.statusCode, body: JSON.parse(viaLambda.body) as ErrorBody }];
  }

  async function refused(path: string, body: string, status: number, field: string, token?: string) {
    const state = await api.dump();
    for (const [index, answer] of (await bothWays(path, body, token)).entries()) {
      const where = `${['http', 'lambda'][index]} ${path} (${Buffer.byteLength(body)} bytes)`;
      assert.equal(answer.status, status, `${where}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      assert.deepEqual(
        answer.body.error.issues.map((issue) => issue.field),
        [field],
        where,
      );
    }
    assert.equal(await api.dump(), state, `${path} changed nothing`);
  }

  it('refuses progress nested 10,000 deep (arrays) and a result nested 10,000 deep (objects) with 400', async () => {
    await refused('/market/tasks/update', update(`{"x":${arrays(10_000)}}`), 400, 'progress');
    await refused('/market/tasks/complete', complete(`{"x":${objects(10_000)}}`), 400, 'result');
    await refused('/market/tasks/update', update(`{"x":${objects(100_000)}}`), 400, 'progress');
  });

  it('refuses definitions nested 1,000 deep, and a body that is 100,000 nested arrays', async () => {
    const row = JSON.stringify(definitionRow('bl-deep')).replace(
      '"maxPages":5',
      `"maxPages":${arrays(1000)}`,
    );
    await refused('/definitions', `{"definitions":[${row}]}`, 400, 'definitions', api.operatorToken);
    await refused('/definitions', arrays(100_000), 400, '0', api.operatorToken);
  });

  it(`refuses a 100,000-key progress (over ${MAX_OBJECT_KEYS} keys in one object) with 400`, async () => {
    const body = update(wide(100_000));
    assert.ok(
      Buffer.byteLength(body) < 1024 * 1024,
      'within the size limit: the key count is what is refused',
    );
    await refused('/market/tasks/update', body, 400, 'progress');
  });

  it('refuses a 10 MB body with 413, and the connection stays usable', async () => {
    await refused(
      '/definitions',
      `{"definitions":["${'x'.repeat(10_000_000)}"]}`,
      413,
      '(body)',
      api.operatorToken,
    );
    await refused('/market/tasks/update', update(`{"x":"${'y'.repeat(2_000_000)}"}`), 413, '(body)');
    const after = await httpCall(agent, server.url, 'GET', '/health');
    assert.equal(after.status, 200);
  });

  it(`accepts and stores progress nested to the limit (${MAX_BODY_DEPTH} levels), refuses one level more`, async () => {
    // body (1) → progress (2) → x (3) → … : the innermost array is level MAX_BODY_DEPTH.
    const deepest = arrays(MAX_BODY_DEPTH - 2, '"here"');
    await refused(
      '/market/tasks/update',
      update(`{"current_page":2,"x":${arrays(MAX_BODY_DEPTH - 1)}}`),
      400,
      'progress',
    );
    const accepted = await httpCall(agent, server.url, 'POST', '/market/tasks/update', {
      token: api.workerToken,
      body: update(`{"current_page":2,"x":${deepest}}`),
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const run = await api.deps.runs.require(held.runId);
    assert.match(JSON.stringify(run), /"here"/, 'the nested progress was stored');
  });
});
