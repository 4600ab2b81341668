/**
 * The scraper's Lambda handler, invoked as the SQS event source mapping would (records with
 * receipt handles of real fauxqs messages), after its module read the environment CDK sets:
 * DynamoDB Local, fauxqs, real Chromium and the demo shop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { DefinitionStore } from '../../shared/definitions/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { capturingStderr, capturingStdout } from '../helpers/stdout.ts';
import { runMessageOf } from '../../shared/queues/index.ts';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('the scraper handler', () => {
  const local = useLocalInfrastructure({ stage: 'scraper' });
  let shop: DemoShop;
  let handler: Handler;
  let runs: RunStore;
  let definitions: DefinitionStore;
  let sequence = 0;

  before(async () => {
    shop = await startDemoShop();
    Object.assign(process.env, local().environment, {
      SHELFWATCH_SITE_ORIGINS: JSON.stringify({ 'https://www.amazon.com': `${shop.url}/amazon/com` }),
      SHELFWATCH_SCRAPE_ALLOW_HOSTS: `127.0.0.1:${shop.port}`,
      SHELFWATCH_SCRAPER_NAVIGATION_TIMEOUT_SECONDS: '5',
      SHELFWATCH_SCRAPER_DOMAIN_RATE_PER_SECOND: '1000',
      SHELFWATCH_SCRAPER_DOMAIN_BURST: '1000',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const { clients, resources } = local();
    runs = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 30,
    });
    definitions = new DefinitionStore({ documents: clients.documents, tables: resources.tables });
    ({ handler } = (await import('../../functions/scraper/handler.ts')) as { handler: Handler });
  });
  after(async () => {
    const { browser } = await import('../../functions/scraper/handler.ts');
    await browser.close();
    await shop.stop();
  });

  /** A definition and its run, with the run's message on the normal queue; returns the received record. */
  const queuedRun = async (maxPages: number) => {
    sequence += 1;
    const definition = await definitions.create(
      {
        id: `kettles-${sequence}`,
        platform: 'amazon',
        marketplace: 'US',
        crawlType: 'search_result',
        target: `kettle ${sequence}`,
        schedule: { kind: 'every', everyHours: 1 },
        params: { maxPages, maxItems: 1_000 },
        // The Chromium scraper's handler, on the browser queue.
        fetchMode: 'browser',
      },
      Date.now(),
    );
    const run = runs.newRun({ definition, slot: '2026-11-23T19:00Z' }, Date.now());
    await runs.create(run);
    const { sqs } = local().clients;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue().url, MessageBody: runMessageOf(run).body }));
    return { run, definition };
  };
  const queue = () => local().resources.queues.normal;

  /** Receives the next message of the normal queue as the event source mapping would deliver it. */
  const receiveEvent = async (): Promise<SQSEvent> => {
    const { Messages = [] } = await local().clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue().url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    assert.equal(Messages.length, 1, 'a message on the normal queue');
    const message = Messages[0];
    return {
      Records: [
        {
          messageId: message?.MessageId ?? '',
          receiptHandle: message?.ReceiptHandle ?? '',
          body: message?.Body ?? '',
          attributes: {} as SQSEvent['Records'][number]['attributes'],
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: queue().arn,
          awsRegion: local().region,
        },
      ],
    };
  };
  /** Invokes the handler and, as the event source mapping does, deletes the messages it did not report as failed. */
  const invoke = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await handler(event, context);
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const record of event.Records.filter((r) => !failed.has(r.messageId))) {
      await local().clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue().url, ReceiptHandle: record.receiptHandle }),
      );
    }
    return response;
  };
  const contextWith = (remainingMs: () => number): Context =>
    ({ awsRequestId: `request-${sequence}`, getRemainingTimeInMillis: remainingMs }) as unknown as Context;
  const queueCounts = async () => {
    const { Attributes } = await local().clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue().url, AttributeNames: ['All'] }),
    );
    return {
      visible: Number(Attributes?.ApproximateNumberOfMessages),
      hidden: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
    };
  };

  it('scrapes the run of a message, reports no batch failure and records the success on the definition', async () => {
    const { run, definition } = await queuedRun(2);
    const event = await receiveEvent();
    const { result: response, lines } = await capturingStdout(() =>
      invoke(
        event,
        contextWith(() => 300_000),
      ),
    );
    assert.deepEqual(response, { batchItemFailures: [] });
    const emf = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => '_aws' in line);
    assert.equal(emf?.ScraperRunsSucceeded, 1, 'the outcome is counted as a metric');
    const finished = await runs.require(run.runId);
    assert.equal(finished.status, 'SUCCEEDED');
    assert.equal(finished.counts.saved, 40);
    const { browser } = await import('../../functions/scraper/handler.ts');
    assert.ok(browser.stats().guardedRequests >= 2, 'both pages went through the SSRF guard proxy');
    const items = new ItemStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.items,
    });
    assert.equal((await items.listByRun(run.runId)).snapshots.length, 40);
    assert.ok((await definitions.require(definition.id)).lastSucceededAt);
  });

  it('leaves a message whose run failed transiently on the queue, hidden for the backoff', async () => {
    const { run } = await queuedRun(1);
    shop.setRules([{ path: '/amazon/com/s', fault: '503', times: 1 }]);
    const event = await receiveEvent();
    const response = await invoke(
      event,
      contextWith(() => 300_000),
    );
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
    assert.equal((await runs.require(run.runId)).status, 'RETRY_WAIT');
    assert.deepEqual(await queueCounts(), { visible: 0, hidden: 1 }, 'the message waits out its backoff');
    shop.setRules([]);
  });

  it('hands a run back near the deadline with a fresh message, which the next invocation finishes', async () => {
    // Leaves the transient message of the previous test out of the way: a fresh stage-level queue read.
    const { run } = await queuedRun(3);
    let calls = 0;
    const first = await invoke(
      await receiveEvent(),
      contextWith(() => (calls++ < 1 ? 300_000 : 1_000)),
    );
    assert.deepEqual(first, { batchItemFailures: [] });
    const handedBack = await runs.require(run.runId);
    assert.equal(handedBack.status, 'RETRY_WAIT');
    assert.equal(handedBack.checkpoint?.page, 1);
    const second = await invoke(
      await receiveEvent(),
      contextWith(() => 300_000),
    );
    assert.deepEqual(second, { batchItemFailures: [] });
    const finished = await runs.require(run.runId);
    assert.equal(finished.status, 'SUCCEEDED');
    assert.equal(finished.counts.saved, 60);
    assert.equal(finished.attempts, 1, 'the hand-back did not use up an attempt');
  });

  it('deletes a malformed message instead of retrying it forever, logging the fields that are wrong', async () => {
    await local().clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue().url, MessageBody: '{"v":1,"runId":""}' }),
    );
    const event = await receiveEvent();
    const { result, lines } = await capturingStderr(() =>
      invoke(
        event,
        contextWith(() => 300_000),
      ),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(
      await queueCounts(),
      { visible: 0, hidden: 1 },
      'only the message waiting for its retry',
    );
    const logged = lines.map((line) => JSON.parse(line) as { message: string; issues?: { field: string }[] });
    const malformed = logged.find((line) => line.message === 'malformed run message deleted');
    assert.deepEqual(
      malformed?.issues?.map((issue) => issue.field),
      ['runId', 'definitionId', 'slot', 'attempt'],
    );
  });
});
