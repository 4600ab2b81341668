import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { createTable } from '../../local/provision.ts';
import { eventually, useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import { QUEUES, type TableName, TABLES, WEBHOOK_QUEUE } from '../../shared/catalogue/index.ts';

describe('the local infrastructure', () => {
  const local = useLocalInfrastructure();

  it('creates every catalogue table with its keys, indexes and TTL', async () => {
    const { clients, resources } = local();
    const { TableNames = [] } = await clients.dynamodb.send(new ListTablesCommand({}));
    assert.deepEqual([...TableNames].sort(), Object.values(resources.tables).sort());
    for (const [name, declaration] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
      const { Table } = await clients.dynamodb.send(
        new DescribeTableCommand({ TableName: resources.tables[name] }),
      );
      assert.equal(Table?.KeySchema?.[0]?.AttributeName, declaration.partitionKey.name);
      assert.deepEqual(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort(),
        declaration.indexes.map((index) => index.name).sort(),
      );
      const ttl = await clients.dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: resources.tables[name] }),
      );
      const expected = 'ttlAttribute' in declaration ? declaration.ttlAttribute : undefined;
      assert.equal(ttl.TimeToLiveDescription?.AttributeName, expected, `TTL of ${name}`);
    }
  });

  it('creates a browser and an HTTP queue per priority with the catalogue visibility timeout and a redrive policy to the priority’s DLQ', async () => {
    const { clients, resources } = local();
    for (const priority of PRIORITIES) {
      const queue = resources.queues[priority];
      for (const url of [queue.url, queue.httpUrl]) {
        const { Attributes = {} } = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        assert.equal(Attributes.VisibilityTimeout, String(QUEUES[priority].visibilityTimeoutSeconds), url);
        assert.deepEqual(JSON.parse(Attributes.RedrivePolicy ?? '{}'), {
          deadLetterTargetArn: queue.deadLetterArn,
          maxReceiveCount: QUEUES[priority].maxReceiveCount,
        });
      }
      assert.notEqual(queue.httpUrl, queue.url);
    }
  });

  it('creates the webhooks queue with the catalogue visibility timeout and a redrive policy to its DLQ', async () => {
    const { clients, resources } = local();
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: resources.webhooks.url, AttributeNames: ['All'] }),
    );
    assert.equal(Attributes.VisibilityTimeout, String(WEBHOOK_QUEUE.visibilityTimeoutSeconds));
    assert.deepEqual(JSON.parse(Attributes.RedrivePolicy ?? '{}'), {
      deadLetterTargetArn: resources.webhooks.deadLetterArn,
      maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
    });
  });

  it('moves a message that is received maxReceiveCount times without deletion to the DLQ', async () => {
    const { clients, resources } = local();
    for (const priority of PRIORITIES) {
      const queue = resources.queues[priority];
      const body = JSON.stringify({ poison: priority });
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
      for (let receive = 1; receive <= QUEUES[priority].maxReceiveCount; receive += 1) {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            VisibilityTimeout: 0,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        assert.equal(Messages.length, 1, `receive ${receive} of ${priority}`);
        assert.equal(Messages[0]?.Attributes?.ApproximateReceiveCount, String(receive));
      }
      // One receive too many: SQS moves the message instead of delivering it.
      const beyond = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      assert.equal(beyond.Messages?.length ?? 0, 0);
      const deadLetter = await eventually(
        async () => {
          const { Messages = [] } = await clients.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, WaitTimeSeconds: 1 }),
          );
          return Messages[0];
        },
        { what: `the ${priority} message in its DLQ` },
      );
      assert.equal(deadLetter.Body, body);
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue.deadLetterUrl, ReceiptHandle: deadLetter.ReceiptHandle }),
      );
    }
  });

  it('gives conditional writes their AWS semantics', async () => {
    const { clients, resources } = local();
    const TableName = resources.tables.control;
    const item = { pk: 'harness', sk: 'conditional', value: 1 };
    await clients.documents.send(
      new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await assert.rejects(
      clients.documents.send(
        new PutCommand({
          TableName,
          Item: { ...item, value: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      { name: 'ConditionalCheckFailedException' },
    );
    const { Item } = await clients.documents.send(
      new GetCommand({ TableName, Key: { pk: 'harness', sk: 'conditional' } }),
    );
    assert.equal(Item?.value, 1);
  });

  it('creates both alarm topics and the alerts topic', async () => {
    const { clients, resources } = local();
    const { Topics = [] } = await clients.sns.send(new ListTopicsCommand({}));
    assert.deepEqual(
      Topics.map((topic) => topic.TopicArn).sort(),
      [...Object.values(resources.topics), resources.alertTopic].sort(),
    );
  });

  it('hands functions the same environment variables CDK sets', () => {
    const resources = resourceEnvironment(local().environment);
    assert.equal(resources.stage, 'test');
    assert.deepEqual(resources.tables, local().resources.tables);
    for (const priority of PRIORITIES) {
      assert.equal(resources.queueUrls[priority], local().resources.queues[priority].url);
      assert.equal(resources.httpQueueUrls[priority], local().resources.queues[priority].httpUrl);
      assert.equal(resources.deadLetterQueueUrls[priority], local().resources.queues[priority].deadLetterUrl);
    }
    assert.equal(resources.webhookQueueUrl, local().resources.webhooks.url);
    assert.equal(resources.webhookDeadLetterQueueUrl, local().resources.webhooks.deadLetterUrl);
  });

  // Last: it adds a table the listing test above does not expect.
  it('adds the indexes the catalogue gained since a kept table was created', async () => {
    const { dynamodb } = local().clients;
    const name = 'shelfwatch-upgrade-runs';
    const older = {
      ...TABLES.runs,
      indexes: TABLES.runs.indexes.filter((i) => i.name !== 'byWorkerReadiness'),
    };
    await createTable(dynamodb, name, older);
    await createTable(dynamodb, name, TABLES.runs); // a start with the data folder kept
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    assert.deepEqual(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort(),
      TABLES.runs.indexes.map((index) => index.name).sort(),
    );
  });

  it('gives a kept items table the stream the catalogue declares since, and a new one at creation', async () => {
    const { dynamodb } = local().clients;
    const { Table: created } = await dynamodb.send(
      new DescribeTableCommand({ TableName: local().resources.tables.items }),
    );
    assert.deepEqual(created?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    const name = 'shelfwatch-upgrade-items';
    const { stream: _added, ...older } = TABLES.items;
    await createTable(dynamodb, name, older);
    await createTable(dynamodb, name, TABLES.items); // a start with the data folder kept
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    assert.deepEqual(Table?.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    assert.ok(Table?.LatestStreamArn);
  });
});
