/**
 * Changes and alerts, end to end (issue #14): the local pipeline with an hour every 15 s, the
 * demo shop moving to a new version of its catalogue as each slot begins, three watch rules, and
 * two webhooks served over HTTPS by a receiver this test runs on 127.0.0.1 — one answers 200, the
 * other 500. At the end: each rule fired exactly where the shop's versions say it should (the
 * expectation is built from the catalogue, not from the changes recorded), the good receiver got
 * each firing of its rules once, signed and fresh; the failing one saw every delivery retried with
 * backoff until the webhooks queue dead-lettered it, and the DLQ holds each of them: none lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { WEBHOOK_QUEUE } from '../../shared/catalogue/index.ts';
import type { ChangeRecord } from '../../shared/changes/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import type { Firing, NewRule } from '../../shared/rules/index.ts';
import { isTerminal, type Run } from '../../shared/runs/index.ts';
import { addSlots } from '../../shared/schedule/index.ts';
import {
  DELIVERY_HEADER,
  deliveryIdOf,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from '../../shared/webhooks/index.ts';
import { DAY_MS, isoMinute, today } from '../helpers/clock.ts';
import { type HttpsReceiver, type ReceivedRequest, startHttpsReceiver } from '../helpers/https-receiver.ts';
import { eventually } from '../helpers/local-infrastructure.ts';
import { tallyPriceChanges } from '../helpers/price-changes.ts';
import { drainQueue } from '../helpers/queues.ts';
import { expectedFirings, type FiringKey, tallyFirings, versionShownTo } from '../helpers/rule-firings.ts';

/** A midnight a year ahead of the real clock: every record's expiry stays far in the future. */
const FIRST_SLOT = isoMinute(today() + 365 * DAY_MS);
const SLOT_COUNT = 4;
const SLOTS = Array.from({ length: SLOT_COUNT }, (_, index) => addSlots(FIRST_SLOT, index));
const hourly = { kind: 'every', everyHours: 1 } as const;

/**
 * Two detail pages chosen for their story in versions 0-3 (demo-shop/catalog.ts): B0E2E00002 is in
 * stock, in stock, out of stock, back in stock (and 4 % dearer); B0E2E00089 costs $29.41, $29.41,
 * $119.43, $29.41. Each holds its first value for two versions, so its first sighting reads the same
 * whichever of the two its run met. Three listings give the price drops (~12-19 moves each).
 */
const WATCH_LIST = [
  {
    id: 'restock-dp',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'product_details',
    target: 'B0E2E00002',
  },
  {
    id: 'cheap-dp',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'product_details',
    target: 'B0E2E00089',
  },
  ...[
    { id: 'mug-search', platform: 'amazon', marketplace: 'US', target: 'mug' },
    { id: 'chainik-search', platform: 'ozon', marketplace: 'RU', target: 'чайник' },
    { id: 'chahu-search', platform: '1688', marketplace: 'CN', target: '茶壶' },
  ].map((listing) => ({
    ...listing,
    crawlType: 'search_result',
    params: { maxPages: 2, maxItems: 100 },
  })),
].map((definition) => ({ ...definition, schedule: hourly }));

const GOOD = 'team-receiver';
const DOWN = 'down-receiver';
const SECRETS = { [GOOD]: 'e2e-good-receiver-secret-0001', [DOWN]: 'e2e-down-receiver-secret-0002' };

const RULES: NewRule[] = [
  {
    id: 'drop-5',
    name: 'Anything 5 % cheaper or more',
    scope: { kind: 'all' },
    condition: { kind: 'price_drop', percent: 5 },
    delivery: { sns: false, webhooks: [GOOD, DOWN] },
  },
  {
    id: 'restocked',
    name: 'The restock page back in stock',
    scope: { kind: 'definition', definitionId: 'restock-dp' },
    condition: { kind: 'back_in_stock' },
    delivery: { sns: false, webhooks: [GOOD] },
  },
  {
    id: 'under-50',
    name: 'The cheap page under $50',
    scope: { kind: 'definition', definitionId: 'cheap-dp' },
    condition: { kind: 'price_below', amount: 50, currency: 'USD' },
    delivery: { sns: false, webhooks: [GOOD, DOWN] },
  },
];

/** The alarms the failing receiver must raise: failed attempts (the sender's EMF) and the DLQ. */
const WEBHOOK_ALARMS = ['WebhookFailures', 'WebhookDeadLetters'];
/** Local backoff (the deployed first one is 30 s): each failed attempt waits 1-2 s. */
const RETRY_BASE_SECONDS = 1;
const RETRY_MAX_SECONDS = 2;

/** A firing as the ruleFirings table holds it. */
type StoredFiring = Firing & {
  sk: string;
  expiresAt: number;
  snsPublishedAt?: string;
  webhooksSentAt?: string;
};

const header = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
const describeFiring = ({ ruleId, itemKey, changeId }: FiringKey) => `${ruleId} ${itemKey} ${changeId}`;

describe(
  'changes and alerts through the local pipeline, to webhooks over HTTPS',
  { timeout: 600_000 },
  () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-e2e-alerts-'));
    const printed: string[] = [];
    const started = Date.now();
    let receiver: HttpsReceiver;
    let pipeline: LocalPipeline;
    let firings: Firing[] = [];
    let expected: FiringKey[] = [];
    const figures: string[] = [];

    const scanTable = async <T>(tableName: string): Promise<T[]> => {
      const all: T[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await pipeline.infrastructure.clients.documents.send(
          new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor, ConsistentRead: true }),
        );
        all.push(...((page.Items ?? []) as T[]));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return all;
    };
    const depth = async (url: string): Promise<number> => {
      const { Attributes = {} } = await pipeline.infrastructure.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible)
      );
    };
    const requestsTo = (webhookId: string) =>
      receiver.received.filter((request) => request.path === `/${webhookId}`);
    const report = (line: string) => {
      figures.push(line);
      process.stderr.write(`e2e alerts: ${line}\n`);
    };

    before(async () => {
      receiver = await startHttpsReceiver(folder, (requestPath) => (requestPath === `/${DOWN}` ? 500 : 200));
      const webhooksFile = path.join(folder, 'webhooks.json');
      writeFileSync(
        webhooksFile,
        JSON.stringify({
          [GOOD]: { url: receiver.url(`/${GOOD}`), format: 'json', signingSecret: SECRETS[GOOD] },
          [DOWN]: { url: receiver.url(`/${DOWN}`), format: 'json', signingSecret: SECRETS[DOWN] },
        }),
      );
      pipeline = await startLocalPipeline({
        stage: 'e2e-alerts',
        logDir: folder,
        // Not faster: the runtime samples the webhooks DLQ once a wall-clock second at most, and a
        // 5-local-minute alarm period shorter than that (10 s slots: 0.83 s) can hold no sample.
        slotEverySeconds: 15,
        firstSlot: FIRST_SLOT,
        scrapers: 2,
        watchList: WATCH_LIST,
        rules: RULES,
        webhooksFile,
        webhookSender: {
          retryBaseSeconds: RETRY_BASE_SECONDS,
          retryMaxSeconds: RETRY_MAX_SECONDS,
          caFile: receiver.caFile,
        },
        print: (line) => printed.push(line),
        progressEveryMs: 0,
      });
      await eventually(() => (pipeline.expandedSlots.length >= SLOT_COUNT ? true : undefined), {
        timeoutMs: 120_000,
        what: `${SLOT_COUNT} slots to be expanded`,
      });
      await pipeline.pauseSlots();
      await eventually(
        async () => {
          const runs = await scanTable<Run>(pipeline.infrastructure.resources.tables.runs);
          return runs.length > 0 && runs.every((run) => isTerminal(run.status)) ? runs : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1_000, what: 'every run to finish' },
      );
      // Every change notified (rules evaluated, firings enqueued), then every delivery settled:
      // delivered, or dead-lettered after its last attempt.
      await pipeline.changesPump.drain();
      await eventually(
        async () => ((await depth(pipeline.infrastructure.resources.webhooks.url)) === 0 ? true : undefined),
        {
          timeoutMs: 180_000,
          intervalMs: 500,
          what: 'every webhook delivery to be delivered or dead-lettered',
        },
      );
    });

    after(async () => {
      await pipeline?.stop();
      await receiver?.stop();
      rmSync(folder, { recursive: true, force: true });
      process.stderr.write(
        `e2e alerts: ${Math.round((Date.now() - started) / 1000)} s; ${pipeline?.expandedSlots.length} slots; ${figures.length} figures above; alarms: ${printed
          .filter((line) => /ALARM|OK {3}/.test(line))
          .map((line) => line.slice(0, 40))
          .join(' | ')}\n`,
      );
    });

    it('fires each rule exactly where the shop’s versions make its condition become true, once', async (t) => {
      const { tables } = pipeline.infrastructure.resources;
      const snapshots = await scanTable<ItemSnapshot>(tables.items);
      const changes = await scanTable<ChangeRecord>(tables.changes);
      assert.deepEqual(
        pipeline.expandedSlots.slice(0, SLOT_COUNT).map(({ slot }) => slot),
        SLOTS,
        'the slots expanded in order, a version of the shop each',
      );
      const lastVersion = Math.max(...pipeline.expandedSlots.map(({ slot }) => pipeline.shopVersionOf(slot)));
      // The version each run attempt read: from its slot's on (a backlogged run reads a later one).
      const attempts = new Map<string, ItemSnapshot[]>();
      for (const snapshot of snapshots) {
        const attempt = `${snapshot.runId} ${snapshot.capturedBy}`;
        attempts.set(attempt, [...(attempts.get(attempt) ?? []), snapshot]);
      }
      const versionOfAttempt = new Map<string, number>();
      const unexplained: string[] = [];
      for (const [attempt, read] of attempts) {
        const first = pipeline.shopVersionOf(read[0]?.slot ?? '');
        const candidates = Array.from({ length: lastVersion - first + 1 }, (_, index) => first + index);
        const version = versionShownTo(read, candidates);
        if (version === undefined) unexplained.push(`${attempt} (versions ${first}..${lastVersion})`);
        else versionOfAttempt.set(attempt, version);
      }
      assert.deepEqual(
        unexplained,
        [],
        'each attempt read the prices and stock of one version of the catalogue',
      );
      const versionOf = (snapshot: ItemSnapshot) =>
        versionOfAttempt.get(`${snapshot.runId} ${snapshot.capturedBy}`) ?? Number.NaN;

      // The changes the rules are judged on are the shop's (the pipeline e2e checks this in depth).
      const prices = tallyPriceChanges(snapshots, changes, versionOf);
      assert.deepEqual([prices.missing, prices.unexpected, prices.duplicated], [[], [], 0]);

      expected = expectedFirings(RULES, snapshots, versionOf);
      const recorded = (await scanTable<StoredFiring>(tables.ruleFirings)).filter((record) =>
        record.sk.startsWith('firing#'),
      );
      // The firing as delivered: without its key, expiry and delivery marks.
      firings = recorded.map(
        ({ sk: _sk, expiresAt: _expiresAt, snsPublishedAt: _sns, webhooksSentAt: _webhooks, ...firing }) =>
          firing,
      );
      assert.deepEqual(
        recorded.filter((firing) => !firing.webhooksSentAt).map(describeFiring),
        [],
        'each firing marked as taken by the webhook port',
      );
      for (const rule of RULES) {
        const tally = tallyFirings(
          expected.filter((firing) => firing.ruleId === rule.id),
          recorded.filter((firing) => firing.ruleId === rule.id),
        );
        const line = `rule ${rule.id} (${rule.condition.kind}): expected ${tally.expected.length}, fired ${tally.fired}, duplicated ${tally.duplicated}, missing ${tally.missing.length}, unexpected ${tally.unexpected.length}`;
        t.diagnostic(line);
        report(line);
        assert.deepEqual(tally.missing, [], `${rule.id}: every expected firing recorded`);
        assert.deepEqual(tally.unexpected, [], `${rule.id}: no firing the shop did not call for`);
        assert.equal(tally.duplicated, 0, `${rule.id}: no observation fired twice`);
        assert.equal(tally.fired, tally.expected.length);
      }
      report(
        `price changes: expected ${prices.expected}, seen ${prices.seen}, duplicated ${prices.duplicated}; versions read: ${JSON.stringify(Object.fromEntries([...versionOfAttempt].map(([attempt, version]) => [attempt.split(' ')[0], version])))}`,
      );
      // Each rule has something to say in these four versions: a test that expects nothing proves nothing.
      for (const rule of RULES) {
        assert.ok(
          expected.some((firing) => firing.ruleId === rule.id),
          `${rule.id}: the shop's versions make it fire`,
        );
      }
      const perPair = new Map<string, number>();
      for (const firing of expected) {
        const pair = `${firing.ruleId} ${firing.itemKey}`;
        perPair.set(pair, (perPair.get(pair) ?? 0) + 1);
      }
      assert.ok(
        [...perPair.values()].some((count) => count >= 2),
        'some rule fired for an item, re-armed and fired again',
      );
      assert.equal(
        pipeline.changesPump.totals.rulesFired,
        recorded.length,
        'the notifier recorded each firing once',
      );
    });

    it('delivers each firing of its rules to the good receiver once, signed over the body and fresh', () => {
      assert.ok(firings.length > 0, 'the firings were read by the test before');
      const received = requestsTo(GOOD);
      const perDelivery = new Map<string, number>();
      const badSignatures: string[] = [];
      for (const request of received) {
        const deliveryId = header(request, DELIVERY_HEADER) ?? '';
        perDelivery.set(deliveryId, (perDelivery.get(deliveryId) ?? 0) + 1);
        const valid = verifyWebhookSignature({
          signingSecret: SECRETS[GOOD],
          timestamp: header(request, TIMESTAMP_HEADER),
          signature: header(request, SIGNATURE_HEADER),
          body: request.body,
          nowSeconds: Math.floor(request.atMs / 1000),
        });
        if (!valid) badSignatures.push(deliveryId);
        const body = JSON.parse(request.body.toString('utf8')) as {
          deliveryId: string;
          webhookId: string;
          firing: Firing;
        };
        assert.equal(body.deliveryId, deliveryId, 'the body names the delivery its header does');
        assert.equal(body.webhookId, GOOD);
        assert.equal(deliveryIdOf(body.firing, GOOD), deliveryId, 'the delivery id is the firing’s');
        const age = Math.abs(request.atMs / 1000 - Number(header(request, TIMESTAMP_HEADER)));
        assert.ok(age <= REPLAY_WINDOW_SECONDS, `timestamp within the replay window (${age} s)`);
      }
      const wanted = firings.filter((firing) => firing.delivery.webhooks.includes(GOOD));
      const wantedIds = wanted.map((firing) => deliveryIdOf(firing, GOOD)).sort();
      const duplicated = [...perDelivery.values()].reduce((sum, count) => sum + count - 1, 0);
      const line = `good receiver: firings for it ${wanted.length}, requests ${received.length}, distinct deliveries ${perDelivery.size}, duplicated ${duplicated}, bad signatures ${badSignatures.length}`;
      report(line);
      assert.deepEqual(badSignatures, [], 'every body verifies against X-Shelfwatch-Signature');
      assert.deepEqual(
        [...perDelivery.keys()].sort(),
        wantedIds,
        'each firing naming it delivered, nothing else',
      );
      assert.equal(duplicated, 0, 'no firing delivered twice');
      assert.equal(received.length, wanted.length);
    });

    it('retries every delivery to the receiver that answers 500 with backoff, then dead-letters it: none lost', async () => {
      const wanted = firings.filter((firing) => firing.delivery.webhooks.includes(DOWN));
      assert.ok(wanted.length > 0, 'firings name the failing webhook');
      const attempts = new Map<string, number[]>();
      for (const request of requestsTo(DOWN)) {
        const deliveryId = header(request, DELIVERY_HEADER) ?? '';
        attempts.set(deliveryId, [...(attempts.get(deliveryId) ?? []), request.atMs]);
        assert.ok(
          verifyWebhookSignature({
            signingSecret: SECRETS[DOWN],
            timestamp: header(request, TIMESTAMP_HEADER),
            signature: header(request, SIGNATURE_HEADER),
            body: request.body,
            nowSeconds: Math.floor(request.atMs / 1000),
          }),
          'each attempt is signed afresh',
        );
      }
      assert.deepEqual(
        [...attempts.keys()].sort(),
        wanted.map((firing) => deliveryIdOf(firing, DOWN)).sort(),
        'every firing naming it was attempted',
      );
      const gapsMs: number[] = [];
      for (const [deliveryId, times] of attempts) {
        assert.equal(times.length, WEBHOOK_QUEUE.maxReceiveCount, `${deliveryId}: one attempt per receive`);
        for (let index = 1; index < times.length; index += 1) {
          gapsMs.push((times[index] ?? 0) - (times[index - 1] ?? 0));
        }
      }
      // The sender hides a failed message for its backoff: at least RETRY_BASE_SECONDS (equal jitter).
      const shortest = Math.min(...gapsMs);
      assert.ok(
        shortest >= RETRY_BASE_SECONDS * 1000 - 100,
        `attempts spaced by the backoff (shortest ${shortest} ms)`,
      );

      const { webhooks } = pipeline.infrastructure.resources;
      const deadLetters = (await drainQueue(pipeline.infrastructure.clients.sqs, webhooks.deadLetterUrl)).map(
        (body) => JSON.parse(body) as { webhookId: string; firing: Firing },
      );
      assert.equal(await depth(webhooks.url), 0, 'nothing left on the webhooks queue');
      assert.ok(
        deadLetters.every((message) => message.webhookId === DOWN),
        'only the failing webhook’s deliveries are dead-lettered',
      );
      const lettered = deadLetters.map((message) => describeFiring(message.firing)).sort();
      assert.deepEqual(lettered, wanted.map(describeFiring).sort(), 'each of its firings is in the DLQ once');
      for (const message of deadLetters) {
        const firing = wanted.find(
          (candidate) => describeFiring(candidate) === describeFiring(message.firing),
        );
        assert.deepEqual(message.firing, firing, 'the firing dead-lettered as it was recorded');
      }
      const totalAttempts = [...attempts.values()].reduce((sum, times) => sum + times.length, 0);
      report(
        `failing receiver: firings for it ${wanted.length}, attempts ${totalAttempts} (retries ${totalAttempts - attempts.size}), dead-lettered ${deadLetters.length}, lost ${wanted.length - deadLetters.length}; gaps between attempts ${shortest}..${Math.max(...gapsMs)} ms`,
      );
    });

    it('raises WebhookFailures and WebhookDeadLetters while the receiver fails, and clears them once the DLQ is emptied', async () => {
      const fired = () => new Set(printed.flatMap((line) => /ALARM (\w+)/.exec(line)?.[1] ?? []));
      await eventually(() => (WEBHOOK_ALARMS.every((alarm) => fired().has(alarm)) ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: `${WEBHOOK_ALARMS.join(', ')} to fire; printed:\n${printed.join('\n')}`,
      });
      // The DLQ was emptied by the test before (the operator has redriven or read it); no delivery fails now.
      await eventually(
        () =>
          WEBHOOK_ALARMS.every((alarm) => pipeline.runtime.alarms.stateOf(alarm) === 'OK') ? true : undefined,
        {
          timeoutMs: 60_000,
          intervalMs: 500,
          what: `the webhook alarms to clear; firing: ${pipeline.runtime.alarms.firing().join(', ')}`,
        },
      );
      for (const alarm of WEBHOOK_ALARMS) {
        assert.ok(
          printed.some((line) => line.includes(`OK    ${alarm} `)),
          `${alarm} cleared`,
        );
      }
      report(`alarms: ${WEBHOOK_ALARMS.join(' and ')} fired and cleared`);
    });
  },
);
