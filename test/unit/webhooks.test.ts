/**
 * Webhooks, the pure parts: the signature (a known vector computed with openssl), the body of
 * each format, the queue message's schema and the webhook configuration's (errors name the field,
 * never the secret), the classification of an answer, the backoff, the fan-out of firings, the local-only settings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ResourceEnvironment } from '../../shared/aws/index.ts';
import { QUEUES } from '../../shared/catalogue/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import {
  classifyStatus,
  createWebhookSender,
  deliveryIdOf,
  deliveryMessagesOf,
  JSON_BODY_TYPE,
  parseWebhookConfig,
  parseWebhookDeliveryMessage,
  REPLAY_WINDOW_SECONDS,
  renderDelivery,
  retryDelaySeconds,
  signWebhookBody,
  StaticWebhookRegistry,
  UnknownWebhookError,
  verifyWebhookSignature,
  webhookSettingsFromEnvironment,
} from '../../shared/webhooks/index.ts';
import { readConfig } from '../../infra/config.ts';
import { firingOf } from '../fixtures/firing.ts';

const SECRET = 'whsec-known-vector-0001';
/** A sender's resources: its queue and DLQ (never reached by these tests). */
const RESOURCES: ResourceEnvironment = {
  stage: 'unit',
  tables: {},
  queueUrls: {},
  httpQueueUrls: {},
  deadLetterQueueUrls: {},
  topicArns: {},
  buckets: {},
  runRetentionDays: 30,
  itemRetentionDays: 30,
  changeRetentionDays: 30,
  webhookQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shelfwatch-unit-webhooks',
  webhookDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shelfwatch-unit-webhooks-dlq',
};

const issuesOf = (action: () => unknown): { field: string; message: string }[] => {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return [...error.issues];
  }
  assert.fail('expected a ValidationError');
};

describe('the delivery signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed v1= (vector from openssl)', () => {
    // printf '%s' '1700000000.{"type":"rule.fired","version":1}' | openssl dgst -sha256 -hmac 'whsec-known-vector-0001'
    assert.equal(
      signWebhookBody(SECRET, 1_700_000_000, '{"type":"rule.fired","version":1}'),
      'v1=8484874f32d6780125eb14468f04aff31f9f10cd37c9701f456ee2c351c1cf6d',
    );
  });

  it('verifies the exact body within the replay window, and nothing else', () => {
    const body = '{"a":1}';
    const now = 1_800_000_000;
    const signature = signWebhookBody(SECRET, now, body);
    const check = { signingSecret: SECRET, timestamp: String(now), signature, body, nowSeconds: now + 10 };
    assert.equal(verifyWebhookSignature(check), true);
    assert.equal(verifyWebhookSignature({ ...check, body: '{"a":2}' }), false, 'another body');
    assert.equal(verifyWebhookSignature({ ...check, body: '{"a": 1}' }), false, 'the same JSON, other bytes');
    assert.equal(verifyWebhookSignature({ ...check, signingSecret: `${SECRET}x` }), false, 'another secret');
    assert.equal(
      verifyWebhookSignature({ ...check, timestamp: String(now + 1) }),
      false,
      'another timestamp',
    );
    assert.equal(
      verifyWebhookSignature({ ...check, nowSeconds: now + REPLAY_WINDOW_SECONDS + 1 }),
      false,
      'outside the replay window',
    );
    assert.equal(verifyWebhookSignature({ ...check, signature: undefined }), false, 'no signature');
  });
});

describe('the body of each format', () => {
  const firing = firingOf({ delivery: { sns: false, webhooks: ['a', 'b', 'c', 'd'] } });
  const delivery = { deliveryId: deliveryIdOf(firing, 'a'), webhookId: 'a', firing };
  const nowMs = Date.now();
  const config = (format: 'json' | 'slack' | 'feishu' | 'dingtalk', url: string) =>
    parseWebhookConfig('a', { url, format, signingSecret: 'bot-secret-0123456789' });

  it('json carries type, version, delivery id, webhook id and the firing as recorded', () => {
    const request = renderDelivery(config('json', 'https://hooks.example.com/in'), delivery, nowMs);
    assert.equal(request.url, 'https://hooks.example.com/in');
    assert.deepEqual(JSON.parse(request.body), {
      type: JSON_BODY_TYPE,
      version: 1,
      deliveryId: delivery.deliveryId,
      webhookId: 'a',
      firing,
    });
  });

  it('slack is a text message naming the rule, the reason and the item', () => {
    const body = JSON.parse(
      renderDelivery(config('slack', 'https://hooks.slack.com/x'), delivery, nowMs).body,
    ) as {
      text: string;
    };
    assert.deepEqual(Object.keys(body), ['text']);
    for (const part of [
      firing.ruleName,
      firing.reason,
      firing.itemId,
      firing.definitionId,
      firing.changeKind,
    ]) {
      assert.ok(body.text.includes(part), `slack text names ${part}`);
    }
  });

  it('feishu is a text message signed in the body; dingtalk a text message signed in the URL', () => {
    const feishu = JSON.parse(
      renderDelivery(config('feishu', 'https://open.feishu.cn/hook/x'), delivery, nowMs).body,
    ) as { msg_type: string; content: { text: string }; timestamp: string; sign: string };
    assert.equal(feishu.msg_type, 'text');
    assert.ok(feishu.content.text.includes(firing.reason));
    assert.equal(feishu.timestamp, String(Math.floor(nowMs / 1000)));
    assert.match(feishu.sign, /^[A-Za-z0-9+/]+=*$/);

    const ding = renderDelivery(
      config('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=t'),
      delivery,
      nowMs,
    );
    const url = new URL(ding.url);
    assert.equal(url.searchParams.get('access_token'), 't');
    assert.equal(url.searchParams.get('timestamp'), String(nowMs));
    assert.match(url.searchParams.get('sign') ?? '', /^[A-Za-z0-9+/]+=*$/);
    const body = JSON.parse(ding.body) as { msgtype: string; text: { content: string } };
    assert.equal(body.msgtype, 'text');
    assert.ok(body.text.content.includes(firing.ruleName));
  });
});

describe('the queue message', () => {
  const valid = { webhookId: 'team-json', firing: firingOf() };

  it('round-trips a firing', () => {
    assert.deepEqual(parseWebhookDeliveryMessage(JSON.stringify(valid)), valid);
  });

  it('refuses a malformed message, naming the field', () => {
    const { ruleId: _ruleId, ...withoutRuleId } = valid.firing;
    assert.deepEqual(
      issuesOf(() => parseWebhookDeliveryMessage(JSON.stringify({ ...valid, firing: withoutRuleId }))).map(
        (issue) => issue.field,
      ),
      ['firing.ruleId'],
    );
    assert.deepEqual(
      issuesOf(() => parseWebhookDeliveryMessage(JSON.stringify({ ...valid, webhookId: '../etc' }))).map(
        (issue) => issue.field,
      ),
      ['webhookId'],
    );
    assert.deepEqual(
      issuesOf(() =>
        parseWebhookDeliveryMessage(
          JSON.stringify({ ...valid, firing: { ...valid.firing, firedAt: 'yesterday' } }),
        ),
      ).map((issue) => issue.field),
      ['firing.firedAt'],
    );
    assert.deepEqual(
      issuesOf(() => parseWebhookDeliveryMessage('{not json')).map((issue) => issue.field),
      ['(root)'],
    );
  });

  it('has one delivery id per (rule, item, change, webhook)', () => {
    const firing = firingOf();
    const id = deliveryIdOf(firing, 'a');
    assert.equal(deliveryIdOf({ ...firing }, 'a'), id, 'the same firing again');
    assert.notEqual(deliveryIdOf(firing, 'b'), id, 'another webhook');
    assert.notEqual(deliveryIdOf({ ...firing, ruleId: 'other' }, 'a'), id, 'another rule');
    assert.notEqual(deliveryIdOf({ ...firing, itemKey: 'amazon#US#B0OTHER' }, 'a'), id, 'another item');
    assert.notEqual(deliveryIdOf({ ...firing, changeId: `${firing.changeId}x` }, 'a'), id, 'another change');
  });

  it('fans firings out: one message per webhook a firing names, none for a firing that names none', () => {
    const two = firingOf({ ruleId: 'two', delivery: { sns: true, webhooks: ['a', 'b'] } });
    const none = firingOf({ ruleId: 'none', delivery: { sns: true, webhooks: [] } });
    const one = firingOf({ ruleId: 'one', delivery: { sns: false, webhooks: ['b'] } });
    assert.deepEqual(
      deliveryMessagesOf([two, none, one]).map((message) => `${message.firing.ruleId}->${message.webhookId}`),
      ['two->a', 'two->b', 'one->b'],
    );
  });
});

describe('a webhook configuration', () => {
  const secret = 'do-not-print-this-secret';

  it('refuses what is wrong naming the field and never the secret', () => {
    const cases: [unknown, string][] = [
      [{ url: 'not a url', format: 'json', signingSecret: secret }, 'url'],
      [{ url: 'ftp://example.com/x', format: 'json', signingSecret: secret }, 'url'],
      [{ url: 'https://example.com/x', format: 'teams', signingSecret: secret }, 'format'],
      [{ url: 'https://example.com/x', format: 'json', signingSecret: 'short' }, 'signingSecret'],
      [{ url: 'https://example.com/x', format: 'json', signingSecret: secret, extra: secret }, '(root)'],
    ];
    for (const [value, field] of cases) {
      let error: unknown;
      try {
        parseWebhookConfig('hook', JSON.stringify(value));
      } catch (caught) {
        error = caught;
      }
      assert.ok(error instanceof ValidationError, `${JSON.stringify(value)} is refused`);
      assert.deepEqual(
        error.issues.map((issue) => issue.field),
        [field],
      );
      assert.ok(!error.message.includes(secret), `the message does not print the secret: ${error.message}`);
      assert.ok(!error.message.includes('short'), `nor a short one: ${error.message}`);
    }
  });

  it('a registry refuses an id that is not a webhook id, and answers an unknown id with UnknownWebhookError', async () => {
    const config = { url: 'https://example.com/x', format: 'json', signingSecret: secret };
    assert.deepEqual(
      issuesOf(() => new StaticWebhookRegistry({ 'bad id': config })).map((issue) => issue.field),
      ['bad id'],
    );
    const registry = new StaticWebhookRegistry({ known: config });
    assert.equal((await registry.get('known')).url, 'https://example.com/x');
    await assert.rejects(registry.get('unknown'), UnknownWebhookError);
  });

  it('the local allow-list takes loopback host:port values only', () => {
    assert.deepEqual(
      webhookSettingsFromEnvironment({ SHELFWATCH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1:8080' }).allowHosts,
      ['127.0.0.1:8080'],
    );
    assert.deepEqual(
      issuesOf(() => webhookSettingsFromEnvironment({ SHELFWATCH_WEBHOOK_ALLOW_HOSTS: '10.0.0.1:80' })).map(
        (issue) => issue.field,
      ),
      ['SHELFWATCH_WEBHOOK_ALLOW_HOSTS'],
    );
  });

  it('lets the local runtime reach the loopback receivers of its webhooks file, http or https, and no other', () => {
    const hook = (url: string) => ({ url, format: 'json', signingSecret: SECRET });
    const registry = new StaticWebhookRegistry({
      plain: hook('http://127.0.0.1:9000/hook'),
      tls: hook('https://127.0.0.1:9443/hook'),
      'tls-default-port': hook('https://localhost/hook'),
      public: hook('https://hooks.example.com/x'),
    });
    assert.deepEqual(registry.loopbackHosts().sort(), ['127.0.0.1:9000', '127.0.0.1:9443', 'localhost:443']);
  });

  it('reads the local CA file setting, and the sender names it when it cannot be read or holds no certificate', () => {
    assert.equal(
      webhookSettingsFromEnvironment({ SHELFWATCH_WEBHOOK_CA_FILE: '/tmp/ca.pem' }).caFile,
      '/tmp/ca.pem',
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-ca-'));
    try {
      const notPem = path.join(folder, 'not.pem');
      writeFileSync(notPem, 'hello');
      for (const file of [path.join(folder, 'missing.pem'), notPem]) {
        assert.deepEqual(
          issuesOf(() =>
            createWebhookSender(
              RESOURCES,
              {
                sqs: new SQSClient({ region: 'us-east-1' }),
                secrets: new SecretsManagerClient({ region: 'us-east-1' }),
              },
              { info: () => undefined, warn: () => undefined, error: () => undefined },
              { SHELFWATCH_WEBHOOK_CA_FILE: file },
            ),
          ).map((issue) => issue.field),
          ['SHELFWATCH_WEBHOOK_CA_FILE'],
        );
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('an attempt', () => {
  it('is delivered on 2xx, retried on 408, 429 and 5xx, refused on 3xx and other 4xx', () => {
    assert.equal(classifyStatus(200).kind, 'delivered');
    assert.equal(classifyStatus(204).kind, 'delivered');
    for (const status of [408, 429, 500, 502, 503, 504])
      assert.equal(classifyStatus(status).kind, 'retry', `${status}`);
    for (const status of [301, 302, 400, 401, 403, 404, 410, 422]) {
      assert.equal(classifyStatus(status).kind, 'refused', `${status}`);
    }
  });

  it('is retried after a backoff that doubles per attempt up to its ceiling, with jitter within half of it', () => {
    const low = () => 0;
    const high = () => 1;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelaySeconds(attempt, 30, 900, high)),
      [30, 60, 120, 240, 480, 900, 900, 900],
    );
    assert.deepEqual(
      [1, 2, 3].map((attempt) => retryDelaySeconds(attempt, 30, 900, low)),
      [15, 30, 60],
    );
  });
});

describe('the webhooks context key', () => {
  const defaults = {
    high: QUEUES.high.maxConcurrency,
    normal: QUEUES.normal.maxConcurrency,
    low: QUEUES.low.maxConcurrency,
  };

  it('lists webhook ids, comma-separated or as an array', () => {
    assert.deepEqual(
      readConfig((key) => (key === 'webhooks' ? 'team-json, ops.slack' : undefined), defaults).webhooks,
      ['team-json', 'ops.slack'],
    );
    assert.deepEqual(readConfig((key) => (key === 'webhooks' ? ['a'] : undefined), defaults).webhooks, ['a']);
    assert.equal(readConfig(() => undefined, defaults).webhooks, undefined);
  });

  it('refuses an id that is not one, naming the key', () => {
    assert.throws(
      () => readConfig((key) => (key === 'webhooks' ? 'ok,not ok' : undefined), defaults),
      /context "webhooks/,
    );
  });
});
