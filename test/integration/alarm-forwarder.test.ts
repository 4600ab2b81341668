import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { AlarmForwarder, WebhookDeliveryError } from '../../shared/monitoring/index.ts';

/** A real HTTP server on loopback standing in for the chat service. */
describe('the alarm forwarder posting to a webhook over HTTP', () => {
  const received: { url: string; body: unknown }[] = [];
  let status = 200;
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body: JSON.parse(body) as unknown });
        response.writeHead(status).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Secrets Manager is the edge here (no local emulator): mocked. The webhook must be https in
  // production; the test points the parsed webhook at loopback through `fetch`.
  const forwarderFor = (secret: string) => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: 'shelfwatch/test/webhook' })
      .resolves({ SecretString: secret });
    const forwarder = new AlarmForwarder({
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      secretName: 'shelfwatch/test/webhook',
      fetch: (url, init) => fetch((url as string).replace('https://oapi.dingtalk.com', base), init),
      now: () => 1_700_000_000_000,
    });
    return { forwarder, secrets };
  };

  it('posts each message, signed, and reads the secret once for a burst', async () => {
    const { forwarder, secrets } = forwarderFor(
      JSON.stringify({ url: 'https://oapi.dingtalk.com/robot/send?access_token=t', signingSecret: 'SEC1' }),
    );
    const alarm = JSON.stringify({ AlarmName: 'shelfwatch-test-HighDeadLetters', NewStateValue: 'ALARM' });
    assert.equal(
      await forwarder.forward([{ message: alarm }, { subject: 'Daily report', message: 'ok' }]),
      2,
    );
    assert.equal(await forwarder.forward([{ message: alarm }]), 1);
    assert.equal(secrets.commandCalls(GetSecretValueCommand).length, 1);
    assert.equal(received.length, 3);
    assert.match(received[0]?.url ?? '', /^\/robot\/send\?access_token=t&timestamp=1700000000000&sign=/);
    assert.deepEqual(received[0]?.body, {
      msgtype: 'text',
      text: { content: '🔴 [ALARM] shelfwatch-test-HighDeadLetters' },
    });
    secrets.restore();
  });

  it('fails loudly when the chat service refuses, so Lambda retries the notification', async () => {
    status = 500;
    const { forwarder, secrets } = forwarderFor('https://oapi.dingtalk.com/robot/send?access_token=t');
    await assert.rejects(forwarder.forward([{ message: 'x' }]), WebhookDeliveryError);
    status = 200;
    secrets.restore();
  });
});
