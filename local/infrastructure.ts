/**
 * The local infrastructure: DynamoDB Local and fauxqs on free ports, every catalogue resource
 * created in them, SDK clients pointed at them, and the environment a Lambda of the same stack
 * would see. Used by `npm start` and by every integration test.
 */
import path from 'node:path';
import {
  type AwsClients,
  bucketVariable,
  createAwsClients,
  deadLetterQueueUrlVariable,
  httpQueueUrlVariable,
  queueUrlVariable,
  STAGE_VARIABLE,
  tableVariable,
  topicArnVariable,
  ALERT_TOPIC_VARIABLE,
  WEBHOOK_DLQ_URL_VARIABLE,
  WEBHOOK_QUEUE_URL_VARIABLE,
} from '../shared/aws/index.ts';
import {
  type DynamoDbLocal,
  type Fauxqs,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
  startFauxqsServer,
} from './emulators.ts';
import {
  createBuckets,
  createQueues,
  createTables,
  createTopics,
  createAlertTopic,
  createWebhookQueue,
  type ProvisionedResources,
} from './provision.ts';
import { PRIORITIES } from '../shared/definitions/index.ts';
import {
  assertValidStage,
  type BucketName,
  SEVERITIES,
  type TableName,
  TABLES,
} from '../shared/catalogue/index.ts';

export interface LocalInfrastructureOptions {
  /** Stage used in resource names. Default: `local`. */
  readonly stage?: string;
  /** Folder where both emulators keep their data between starts; in memory when absent. */
  readonly dataDir?: string | undefined;
}

export interface LocalInfrastructure {
  readonly stage: string;
  readonly region: string;
  readonly endpoints: {
    readonly dynamodb: string;
    readonly sqs: string;
    readonly sns: string;
    readonly s3: string;
  };
  readonly resources: ProvisionedResources;
  /** Variables a Lambda of this stack would see, plus endpoints and credentials for the emulators. */
  readonly environment: Readonly<Record<string, string>>;
  readonly clients: AwsClients;
  readonly dynamoDbPid: number;
  /** Creates every catalogue resource again under another stage name, in the same emulators (test isolation). */
  provision(stage: string): Promise<ProvisionedStage>;
  /** Stops both emulators and closes the clients; safe to call twice. */
  stop(): Promise<void>;
}

export interface ProvisionedStage {
  readonly stage: string;
  readonly resources: ProvisionedResources;
  readonly environment: Readonly<Record<string, string>>;
}

async function provisionStage(
  clients: AwsClients,
  stage: string,
  endpoints: LocalInfrastructure['endpoints'],
): Promise<ProvisionedStage> {
  assertValidStage(stage);
  const [tables, queues, webhooks, topics, alertTopic, buckets] = await Promise.all([
    createTables(clients.dynamodb, stage),
    createQueues(clients.sqs, stage),
    createWebhookQueue(clients.sqs, stage),
    createTopics(clients.sns, stage),
    createAlertTopic(clients.sns, stage),
    createBuckets(clients.s3, stage),
  ]);
  const resources: ProvisionedResources = { tables, queues, webhooks, topics, alertTopic, buckets };
  return { stage, resources, environment: localEnvironment(stage, resources, endpoints) };
}

export async function startLocalInfrastructure(
  options: LocalInfrastructureOptions = {},
): Promise<LocalInfrastructure> {
  const stage = options.stage ?? 'local';
  const started: (DynamoDbLocal | Fauxqs)[] = [];
  let clients: AwsClients | undefined;
  const stopAll = async () => {
    clients?.destroy();
    const results = await Promise.allSettled(started.splice(0).map((emulator) => emulator.stop()));
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    if (failures.length > 0) throw new AggregateError(failures, 'some local emulators did not stop cleanly');
  };

  try {
    // allSettled, not all: if one fails, the other must still be known (and stopped) once it is up.
    const [dynamoResult, fauxqsResult] = await Promise.allSettled([
      startDynamoDbLocal({ dataDir: options.dataDir && path.join(options.dataDir, 'dynamodb') }),
      startFauxqsServer({ dataDir: options.dataDir && path.join(options.dataDir, 'fauxqs') }),
    ]);
    for (const result of [dynamoResult, fauxqsResult])
      if (result.status === 'fulfilled') started.push(result.value);
    if (dynamoResult.status === 'rejected') throw dynamoResult.reason;
    if (fauxqsResult.status === 'rejected') throw fauxqsResult.reason;
    const dynamodb = dynamoResult.value;
    const fauxqs = fauxqsResult.value;
    const endpoints = {
      dynamodb: dynamodb.endpoint,
      sqs: fauxqs.endpoint,
      sns: fauxqs.endpoint,
      s3: fauxqs.endpoint,
    };
    clients = createAwsClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints });
    const connected = clients;
    const { resources, environment } = await provisionStage(connected, stage, endpoints);
    let stopped = false;
    return {
      stage,
      region: LOCAL_REGION,
      endpoints,
      resources,
      environment,
      clients,
      dynamoDbPid: dynamodb.pid,
      provision: (other: string) => provisionStage(connected, other, endpoints),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

function localEnvironment(
  stage: string,
  resources: ProvisionedResources,
  endpoints: LocalInfrastructure['endpoints'],
): Record<string, string> {
  const environment: Record<string, string> = {
    [STAGE_VARIABLE]: stage,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
  };
  for (const table of Object.keys(TABLES) as TableName[])
    environment[tableVariable(table)] = resources.tables[table];
  for (const priority of PRIORITIES) {
    environment[queueUrlVariable(priority)] = resources.queues[priority].url;
    environment[httpQueueUrlVariable(priority)] = resources.queues[priority].httpUrl;
    environment[deadLetterQueueUrlVariable(priority)] = resources.queues[priority].deadLetterUrl;
  }
  environment[WEBHOOK_QUEUE_URL_VARIABLE] = resources.webhooks.url;
  environment[WEBHOOK_DLQ_URL_VARIABLE] = resources.webhooks.deadLetterUrl;
  for (const severity of SEVERITIES) environment[topicArnVariable(severity)] = resources.topics[severity];
  environment[ALERT_TOPIC_VARIABLE] = resources.alertTopic;
  for (const bucket of Object.keys(resources.buckets) as BucketName[]) {
    environment[bucketVariable(bucket)] = resources.buckets[bucket];
  }
  return environment;
}
