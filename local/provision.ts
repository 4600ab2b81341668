/**
 * Creates the catalogue's tables, queues and topics in the local emulators, the way the CDK stack
 * creates them in AWS (same names, keys, indexes, TTL, visibility timeouts, redrive policies).
 * Idempotent: a resource that already exists (a persisted data folder) is kept as it is.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PRIORITIES, type Priority } from '../shared/definitions/index.ts';
import {
  type BucketName,
  BUCKETS,
  deadLetterQueueName,
  type IndexDeclaration,
  type KeyAttribute,
  queueName,
  QUEUES,
  SEVERITIES,
  type Severity,
  type TableDeclaration,
  tableName,
  type TableName,
  TABLES,
  resourceName,
  topicName,
  alertTopicName,
  WEBHOOK_QUEUE,
  webhookDeadLetterQueueName,
  webhookQueueName,
} from '../shared/catalogue/index.ts';

/** Local bucket names (in AWS, CloudFormation names buckets: names are global). */
export const localBucketName = (stage: string, bucket: BucketName): string =>
  resourceName(stage, bucket).toLowerCase();

/** The queues of one priority: the browser queue, the HTTP queue, and the DLQ both move to. */
export interface ProvisionedQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly httpName: string;
  readonly httpUrl: string;
  readonly httpArn: string;
  readonly deadLetterName: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/** The webhooks queue and its DLQ. */
export interface ProvisionedWebhookQueue {
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

export interface ProvisionedResources {
  readonly tables: Record<TableName, string>;
  readonly queues: Record<Priority, ProvisionedQueue>;
  readonly webhooks: ProvisionedWebhookQueue;
  readonly topics: Record<Severity, string>;
  /** The alerts topic (fired watch rules). */
  readonly alertTopic: string;
  readonly buckets: Record<BucketName, string>;
}

const keySchema = (partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

const projection = (index: IndexDeclaration): Projection =>
  index.projection === 'ALL' || index.projection === 'KEYS_ONLY'
    ? { ProjectionType: index.projection }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] };

function attributeDefinitions(table: TableDeclaration): AttributeDefinition[] {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    if (key) byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...byName.values()];
}

export async function createTable(
  dynamodb: DynamoDBClient,
  name: string,
  table: TableDeclaration,
): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        AttributeDefinitions: attributeDefinitions(table),
        ...(table.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
          : {}),
        ...(table.indexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: projection(index),
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(dynamodb, name, table);
    await addMissingStream(dynamodb, name, table);
    return;
  }
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  if (described.Table?.TableStatus !== 'ACTIVE') {
    throw new Error(`local table ${name} is ${described.Table?.TableStatus}, expected ACTIVE`);
  }
  if (table.ttlAttribute) {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  }
}

/**
 * A table kept in a data folder from an earlier version gets the indexes the catalogue has added
 * since (one UpdateTable each, as a CloudFormation update would), so a persisted start still works.
 */
async function addMissingIndexes(dynamodb: DynamoDBClient, name: string, table: TableDeclaration) {
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of table.indexes.filter((candidate) => !present.has(candidate.name))) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions(table),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: keySchema(index.partitionKey, index.sortKey),
              Projection: projection(index),
            },
          },
        ],
      }),
    );
  }
}

/** A table kept in a data folder from before its stream was declared gets it (UpdateTable). */
async function addMissingStream(dynamodb: DynamoDBClient, name: string, table: TableDeclaration) {
  if (!table.stream) return;
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  if (described.Table?.StreamSpecification?.StreamEnabled) return;
  await dynamodb.send(
    new UpdateTableCommand({
      TableName: name,
      StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream },
    }),
  );
}

export async function createTables(
  dynamodb: DynamoDBClient,
  stage: string,
): Promise<Record<TableName, string>> {
  const names = Object.keys(TABLES) as TableName[];
  await Promise.all(names.map((name) => createTable(dynamodb, tableName(stage, name), TABLES[name])));
  return Object.fromEntries(names.map((name) => [name, tableName(stage, name)])) as Record<TableName, string>;
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`fauxqs returned no URL for queue ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`fauxqs returned no ARN for queue ${name}`);
  return { url: QueueUrl, arn };
}

export async function createQueues(
  sqs: SQSClient,
  stage: string,
): Promise<Record<Priority, ProvisionedQueue>> {
  const entries = await Promise.all(
    PRIORITIES.map(async (priority) => {
      const declaration = QUEUES[priority];
      const deadLetterName = deadLetterQueueName(stage, priority);
      const deadLetter = await createQueue(sqs, deadLetterName, {
        MessageRetentionPeriod: String(declaration.dlqRetentionSeconds),
      });
      const attributes = {
        VisibilityTimeout: String(declaration.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(declaration.retentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetter.arn,
          maxReceiveCount: declaration.maxReceiveCount,
        }),
      };
      const name = queueName(stage, priority, 'browser');
      const httpName = queueName(stage, priority, 'http');
      const [queue, httpQueue] = await Promise.all([
        createQueue(sqs, name, attributes),
        createQueue(sqs, httpName, attributes),
      ]);
      const provisioned: ProvisionedQueue = {
        name,
        url: queue.url,
        arn: queue.arn,
        httpName,
        httpUrl: httpQueue.url,
        httpArn: httpQueue.arn,
        deadLetterName,
        deadLetterUrl: deadLetter.url,
        deadLetterArn: deadLetter.arn,
      };
      return [priority, provisioned] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Priority, ProvisionedQueue>;
}

export async function createWebhookQueue(sqs: SQSClient, stage: string): Promise<ProvisionedWebhookQueue> {
  const deadLetter = await createQueue(sqs, webhookDeadLetterQueueName(stage), {
    MessageRetentionPeriod: String(WEBHOOK_QUEUE.dlqRetentionSeconds),
  });
  const queue = await createQueue(sqs, webhookQueueName(stage), {
    VisibilityTimeout: String(WEBHOOK_QUEUE.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(WEBHOOK_QUEUE.retentionSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
    }),
  });
  return { url: queue.url, arn: queue.arn, deadLetterUrl: deadLetter.url, deadLetterArn: deadLetter.arn };
}

export async function createBuckets(s3: S3Client, stage: string): Promise<Record<BucketName, string>> {
  const names = Object.keys(BUCKETS) as BucketName[];
  await Promise.all(
    names.map(async (bucket) => {
      try {
        await s3.send(new CreateBucketCommand({ Bucket: localBucketName(stage, bucket) }));
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
      }
    }),
  );
  return Object.fromEntries(names.map((bucket) => [bucket, localBucketName(stage, bucket)])) as Record<
    BucketName,
    string
  >;
}

export async function createTopics(sns: SNSClient, stage: string): Promise<Record<Severity, string>> {
  const entries = await Promise.all(
    SEVERITIES.map(async (severity) => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName(stage, severity) }));
      if (!TopicArn) throw new Error(`fauxqs returned no ARN for topic ${severity}`);
      return [severity, TopicArn] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Severity, string>;
}

/** The alerts topic of fired watch rules (`shelfwatch-<stage>-alerts`), as the stack's AlertTopic. */
export async function createAlertTopic(sns: SNSClient, stage: string): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: alertTopicName(stage) }));
  if (!TopicArn) throw new Error('fauxqs returned no ARN for the alerts topic');
  return TopicArn;
}
