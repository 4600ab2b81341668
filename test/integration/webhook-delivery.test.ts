/**
 * Webhook deliveries end to end on fauxqs, to a REAL local receiver (node:http on a free port):
 * firings enqueued by the port the notifier calls, consumed by the webhooks queue's mapping
 * (the local runtime's) with the sender, retried with backoff, dead-lettered by SQS or by the
 * sender. The queues are the catalogue's (same visibility, maxReceiveCount, DLQ); each test on
 * a stage of its own. Backoff is one second here (the settings' floor in production is 30 s).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { WEBHOOK_QUEUE } from '../../shared/catalogue/index.ts';
import {
  DELIVERY_HEADER,
  deliveryIdOf,
  enqueueWebhookDeliveries,
  SIGNATURE_HEADER,
  StaticWebhookRegistry,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  WebhookSender,
} from '../../shared/webhooks/index.ts';
import { WebhookQueueMapping } from '../../local/webhook-mapping.ts';
import type { ProvisionedWebhookQueue } from '../../local/provision.ts';
import { firingOf } from '../fixtures/firing.ts';
import { drainQueue } from '../helpers/queues.ts';
import { eventually, useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A receiver that records every request and answers what `answer` says for its path. */
async function startReceiver(answer: (path: string, attempt: number) => number) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
      response.statusCode = answer(path, received.filter((r) => r.path === path).length);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const SIGNING_SECRET = 'integration-signing-secret-01';

describe('webhook deliveries through the webhooks queue', () => {
  const local = useLocalInfrastructure({ stage: 'webhooks' });
  let answers: (path: string, attempt: number) => number = () => 200;
  let receiver: Receiver;
  const logs: { level: string; message: string; details: Record<string, unknown> }[] = [];
  const running: WebhookQueueMapping[] = [];

  before(async () => {
    receiver = await startReceiver((path, attempt) => answers(path, attempt));
  });
  after(async () => {
    await Promise.all(running.map((mapping) => mapping.stop()));
    await receiver.stop();
  });

  /** A fresh stage's queues, a sender over `webhooks`, and the mapping consuming its queue. */
  async function deliveryStage(stage: string, webhooks: Record<string, unknown>, allowHosts?: string[]) {
    const { resources } = await local().provision(stage);
    const queue: ProvisionedWebhookQueue = resources.webhooks;
    const sqs = local().clients.sqs;
    const sender = new WebhookSender({
      registry: new StaticWebhookRegistry(webhooks),
      sqs,
      queueUrl: queue.url,
      deadLetterQueueUrl: queue.deadLetterUrl,
      log: {
        info: (message, details) => logs.push({ level: 'info', message, details }),
        warn: (message, details) => logs.push({ level: 'warn', message, details }),
        error: (message, details) => logs.push({ level: 'error', message, details }),
      },
      allowHosts: allowHosts ?? [`127.0.0.1:${receiver.port}`],
      timeoutMs: 2_000,
      retryBaseSeconds: 1,
      retryMaxSeconds: 1,
    });
    const mapping = new WebhookQueueMapping({
      sqs,
      region: local().region,
      queue,
      handler: async (event) => ({
        batchItemFailures: (await sender.deliverBatch(event.Records)).batchItemFailures,
      }),
      maxConcurrency: 1,
      receiveVisibilitySeconds: 5,
      idlePollMs: 100,
      onError: (error) => logs.push({ level: 'mapping', message: String(error), details: {} }),
    });
    running.push(mapping);
    const depth = async (url: string) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };
    /** Until the queue holds nothing (delivered, or dead-lettered). */
    const settled = (what: string, timeoutMs = 20_000) =>
      eventually(async () => ((await depth(queue.url)) === 0 ? true : undefined), {
        timeoutMs,
        intervalMs: 200,
        what,
      });
    return { queue, sqs, sender, mapping, depth, settled };
  }

  const hook = (path: string, format = 'json') => ({
    url: receiver.url(path),
    format,
    signingSecret: SIGNING_SECRET,
  });
  const requestsTo = (path: string) => receiver.received.filter((request) => request.path === path);

  it('delivers each firing once to each webhook it names, signed over the exact body received', async () => {
    answers = () => 200;
    const stage = await deliveryStage('wh-once', {
      'team-json': hook('/once/json'),
      'team-slack': hook('/once/slack', 'slack'),
    });
    const both = firingOf({
      ruleId: 'both',
      delivery: { sns: false, webhooks: ['team-json', 'team-slack'] },
    });
    const jsonOnly = firingOf({ ruleId: 'json-only', delivery: { sns: true, webhooks: ['team-json'] } });
    const noWebhook = firingOf({ ruleId: 'sns-only', delivery: { sns: true, webhooks: [] } });
    const sent = await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, [
      both,
      jsonOnly,
      noWebhook,
    ]);
    assert.equal(sent, 3);
    stage.mapping.start();
    await stage.settled('the three deliveries');

    const json = requestsTo('/once/json');
    const slack = requestsTo('/once/slack');
    assert.equal(json.length, 2, 'two firings name team-json');
    assert.equal(slack.length, 1, 'one firing names team-slack');
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const request of [...json, ...slack]) {
      assert.equal(
        verifyWebhookSignature({
          signingSecret: SIGNING_SECRET,
          timestamp: request.headers[TIMESTAMP_HEADER.toLowerCase()] as string,
          signature: request.headers[SIGNATURE_HEADER.toLowerCase()] as string,
          body: request.body,
          nowSeconds,
        }),
        true,
        `a valid signature over the body received at ${request.path}`,
      );
    }
    const bodies = json.map(
      (request) =>
        JSON.parse(request.body.toString('utf8')) as { deliveryId: string; firing: { ruleId: string } },
    );
    assert.deepEqual(bodies.map((body) => body.firing.ruleId).sort(), ['both', 'json-only']);
    for (const [index, body] of bodies.entries()) {
      const firing = body.firing.ruleId === 'both' ? both : jsonOnly;
      assert.deepEqual(body.firing, firing, 'the firing as recorded');
      assert.equal(body.deliveryId, deliveryIdOf(firing, 'team-json'));
      assert.equal(json[index]?.headers[DELIVERY_HEADER.toLowerCase()], body.deliveryId);
    }
    assert.equal(slack[0]?.headers[DELIVERY_HEADER.toLowerCase()], deliveryIdOf(both, 'team-slack'));
    assert.match(
      (JSON.parse(slack[0]?.body.toString('utf8') ?? '{}') as { text: string }).text,
      /Headphones under \$50/,
    );
    assert.deepEqual(await drainQueue(stage.sqs, stage.queue.deadLetterUrl), [], 'nothing dead-lettered');
  });

  it('retries a receiver that answers 500 until maxReceiveCount, then the message is in the DLQ, unchanged', async () => {
    answers = (path) => (path === '/down' ? 500 : 200);
    const stage = await deliveryStage('wh-down', { down: hook('/down') });
    const firing = firingOf({ ruleId: 'to-a-down-receiver', delivery: { sns: false, webhooks: ['down'] } });
    await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, [firing]);
    stage.mapping.start();
    const deadLetters = await eventually(
      async () => {
        const messages = await drainQueue(stage.sqs, stage.queue.deadLetterUrl);
        return messages.length > 0 ? messages : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the delivery in the DLQ' },
    );
    assert.equal(requestsTo('/down').length, WEBHOOK_QUEUE.maxReceiveCount, 'one attempt per receive');
    assert.equal(deadLetters.length, 1);
    assert.deepEqual(JSON.parse(deadLetters[0] ?? '{}'), { webhookId: 'down', firing });
    assert.equal(await stage.depth(stage.queue.url), 0, 'nothing left behind on the queue');
    const retries = logs.filter((log) => log.details.webhookId === 'down' && log.level === 'warn');
    assert.equal(retries.length, WEBHOOK_QUEUE.maxReceiveCount, 'each failed attempt logged');
  });

  it('dead-letters a delivery a receiver refuses with 404 after one attempt; retries a 429 and delivers', async () => {
    answers = (path, attempt) => (path === '/gone' ? 404 : path === '/busy' && attempt === 1 ? 429 : 200);
    const stage = await deliveryStage('wh-4xx', { gone: hook('/gone'), busy: hook('/busy') });
    const gone = firingOf({ ruleId: 'to-gone', delivery: { sns: false, webhooks: ['gone'] } });
    const busy = firingOf({ ruleId: 'to-busy', delivery: { sns: false, webhooks: ['busy'] } });
    await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, [gone, busy]);
    stage.mapping.start();
    await stage.settled('the 404 and the 429');
    assert.equal(requestsTo('/gone').length, 1, 'a 404 is not retried');
    assert.equal(requestsTo('/busy').length, 2, 'a 429 is retried, then delivered');
    const deadLetters = await drainQueue(stage.sqs, stage.queue.deadLetterUrl);
    assert.deepEqual(
      deadLetters.map((body) => JSON.parse(body) as unknown),
      [{ webhookId: 'gone', firing: gone }],
    );
    const refusal = logs.find((log) => log.details.webhookId === 'gone' && log.level === 'error');
    assert.match(String(refusal?.details.reason), /HTTP 404/);
  });

  it('refuses private addresses and plain http outside the allow-list without a request, into the DLQ', async () => {
    answers = () => 200;
    const stage = await deliveryStage(
      'wh-ssrf',
      {
        metadata: {
          url: 'https://169.254.169.254/latest/meta-data',
          format: 'json',
          signingSecret: SIGNING_SECRET,
        },
        private: { url: 'https://10.0.0.1/hook', format: 'json', signingSecret: SIGNING_SECRET },
        'not-allowed': hook('/ssrf/not-allowed'),
      },
      [], // no loopback allowed: the receiver is a private address like any other
    );
    const firings = ['metadata', 'private', 'not-allowed'].map((webhookId) =>
      firingOf({ ruleId: `to-${webhookId}`, delivery: { sns: false, webhooks: [webhookId] } }),
    );
    await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, firings);
    stage.mapping.start();
    await stage.settled('the refused deliveries');
    assert.deepEqual(requestsTo('/ssrf/not-allowed'), [], 'no request reached the receiver');
    const deadLetters = (await drainQueue(stage.sqs, stage.queue.deadLetterUrl)).map(
      (body) => (JSON.parse(body) as { webhookId: string }).webhookId,
    );
    assert.deepEqual(deadLetters.sort(), ['metadata', 'not-allowed', 'private']);
    const reasons = Object.fromEntries(
      logs
        .filter((log) => log.level === 'error' && typeof log.details.webhookId === 'string')
        .map((log) => [log.details.webhookId as string, String(log.details.reason)]),
    );
    assert.match(reasons.metadata ?? '', /not a public address/);
    assert.match(reasons.private ?? '', /not a public address/);
    assert.match(reasons['not-allowed'] ?? '', /https only/);
  });

  it('moves a malformed message and one naming an unknown webhook to the DLQ, and keeps consuming', async () => {
    answers = () => 200;
    const stage = await deliveryStage('wh-bad', { fine: hook('/bad/fine') });
    const { ruleId: _dropped, ...withoutRuleId } = firingOf();
    for (const body of ['not json at all', JSON.stringify({ webhookId: 'fine', firing: withoutRuleId })]) {
      await stage.sqs.send(new SendMessageCommand({ QueueUrl: stage.queue.url, MessageBody: body }));
    }
    const unknown = firingOf({ ruleId: 'to-unknown', delivery: { sns: false, webhooks: ['nobody'] } });
    const fine = firingOf({ ruleId: 'to-fine', delivery: { sns: false, webhooks: ['fine'] } });
    await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, [unknown]);
    stage.mapping.start();
    await stage.settled('the malformed messages');
    await enqueueWebhookDeliveries({ sqs: stage.sqs, queueUrl: stage.queue.url }, [fine]);
    await eventually(() => (requestsTo('/bad/fine').length > 0 ? true : undefined), {
      what: 'the delivery after them',
    });
    await stage.settled('the good one');
    assert.equal(requestsTo('/bad/fine').length, 1);
    const deadLetters = await drainQueue(stage.sqs, stage.queue.deadLetterUrl);
    assert.equal(deadLetters.length, 3);
    assert.ok(deadLetters.includes('not json at all'), 'the body kept as it was');
    const reasons = logs.filter((log) => log.level === 'error').map((log) => String(log.details.reason));
    assert.ok(
      reasons.some((reason) => reason.includes('firing.ruleId')),
      'the missing field is named',
    );
    assert.ok(
      reasons.some((reason) => reason.includes('no webhook "nobody"')),
      'the unknown webhook is named',
    );
    assert.deepEqual(
      logs.filter((log) => log.level === 'mapping'),
      [],
      'the consumer never failed',
    );
  });
});
