/**
 * The API's Lambda handler, invoked with API Gateway HTTP API (payload 2.0) events after its
 * module read the environment CDK sets, against DynamoDB Local and fauxqs.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { TokenStore } from '../../shared/tokens/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { thisHour } from '../helpers/clock.ts';

function httpEvent(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...headers },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
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
      timeEpoch: thisHour(5),
    },
  };
}

describe('the api handler', () => {
  const local = useLocalInfrastructure({ stage: 'apihandler' });
  let handler: (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyResult>;
  let token: string;

  before(async () => {
    Object.assign(process.env, local().environment);
    const tokens = new TokenStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.control,
    });
    token = (await tokens.create({ name: 'handler test', scope: 'operator' }, Date.now())).token;
    ({ handler } = (await import('../../functions/api/handler.ts')) as unknown as {
      handler: typeof handler;
    });
  });

  it('answers a payload 2.0 event: 401 without a token, the definitions with one', async () => {
    const refused = await handler(httpEvent('GET', '/definitions', {}), {});
    assert.equal(refused.statusCode, 401);
    assert.equal((JSON.parse(refused.body) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const created = await handler(
      httpEvent(
        'POST',
        '/definitions',
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        JSON.stringify({
          definitions: [
            {
              id: 'h1',
              platform: 'amazon',
              marketplace: 'DE',
              crawlType: 'search_result',
              target: 'kettle',
              schedule: { kind: 'every', everyHours: 2 },
            },
          ],
        }),
      ),
      {},
    );
    assert.equal(created.statusCode, 201, created.body);
    const listed = await handler(httpEvent('GET', '/definitions', { authorization: `Bearer ${token}` }), {});
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(
      (JSON.parse(listed.body) as { definitions: { id: string }[] }).definitions.map((d) => d.id),
      ['h1'],
    );
  });
});
