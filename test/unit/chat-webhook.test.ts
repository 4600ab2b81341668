import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ValidationError } from '../../shared/errors/index.ts';
import { notificationText, parseChatWebhook, webhookRequest } from '../../shared/monitoring/index.ts';

const alarm = JSON.stringify({
  AlarmName: 'shelfwatch-prod-HighDeadLetters',
  AlarmDescription: '[critical] Messages in the high-priority DLQ. Runbook: docs/runbooks/dead-letters.md',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).',
  StateChangeTime: '2026-11-23T03:00:00.000+0000',
  Region: 'EU (Frankfurt)',
});

describe('chat webhook secrets', () => {
  it('accept a bare URL and infer the kind from the host', () => {
    assert.equal(parseChatWebhook('https://hooks.slack.com/services/T/B/x').kind, 'slack');
    assert.equal(parseChatWebhook(' https://oapi.dingtalk.com/robot/send?access_token=t ').kind, 'dingtalk');
    assert.equal(parseChatWebhook('https://open.feishu.cn/open-apis/bot/v2/hook/x').kind, 'feishu');
  });

  it('accept JSON with an explicit kind and signing secret', () => {
    const webhook = parseChatWebhook('{"url":"https://chat.example.com/hook","kind":"slack"}');
    assert.deepEqual(webhook, { url: 'https://chat.example.com/hook', kind: 'slack' });
  });

  it('refuse plain http, unknown hosts without a kind and malformed JSON, naming the field', () => {
    const fieldOf = (value: string) => {
      try {
        parseChatWebhook(value);
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        assert.ok(!error.message.includes('token'), 'never echoes the secret');
        return error.issues[0]?.field;
      }
      return undefined;
    };
    assert.equal(fieldOf('http://hooks.slack.com/services/x?token=secret'), 'url');
    assert.equal(fieldOf('https://chat.example.com/hook'), 'kind');
    assert.equal(fieldOf('{"url": '), '(root)');
    assert.equal(fieldOf('{"url":"https://hooks.slack.com/x","extra":1}'), '(root)');
  });
});

describe('alarm notifications', () => {
  it('read as one short text with state, name, description, reason and runbook', () => {
    const text = notificationText('ALARM: "shelfwatch-prod-HighDeadLetters"', alarm);
    assert.match(text, /^🔴 \[ALARM\] shelfwatch-prod-HighDeadLetters/);
    assert.match(text, /Runbook: docs\/runbooks\/dead-letters\.md/);
    assert.match(text, /Reason: Threshold Crossed/);
    assert.equal(notificationText('Daily report', 'All good'), 'Daily report\nAll good');
  });

  it('are shaped for each chat service', () => {
    const slack = webhookRequest({ url: 'https://hooks.slack.com/x', kind: 'slack' }, 'hello', 0);
    assert.deepEqual(JSON.parse(slack.body), { text: 'hello' });
    const feishu = webhookRequest({ url: 'https://open.feishu.cn/x', kind: 'feishu' }, 'hello', 0);
    assert.deepEqual(JSON.parse(feishu.body), { msg_type: 'text', content: { text: 'hello' } });
    const ding = webhookRequest(
      { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', kind: 'dingtalk' },
      'hello',
      0,
    );
    assert.deepEqual(JSON.parse(ding.body), { msgtype: 'text', text: { content: 'hello' } });
  });

  it('are signed as DingTalk and Feishu document it', () => {
    const now = 1_700_000_000_123;
    const ding = webhookRequest(
      {
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        kind: 'dingtalk',
        signingSecret: 'SECabc',
      },
      'x',
      now,
    );
    const url = new URL(ding.url);
    assert.equal(url.searchParams.get('access_token'), 't');
    assert.equal(url.searchParams.get('timestamp'), String(now));
    const expectedDing = createHmac('sha256', 'SECabc').update(`${now}\nSECabc`).digest('base64');
    assert.equal(url.searchParams.get('sign'), expectedDing);

    const feishu = JSON.parse(
      webhookRequest({ url: 'https://open.feishu.cn/x', kind: 'feishu', signingSecret: 'abc' }, 'x', now)
        .body,
    ) as { timestamp: string; sign: string };
    assert.equal(feishu.timestamp, '1700000000');
    assert.equal(feishu.sign, createHmac('sha256', '1700000000\nabc').update('').digest('base64'));
  });
});
