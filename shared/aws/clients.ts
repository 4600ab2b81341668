/**
 * AWS SDK v3 clients, created one way for Lambda, the CLI, the local runtime and tests. Endpoints
 * come from the SDK's own settings (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`...), which
 * the local runtime sets, so no code path knows whether it talks to AWS or to an emulator.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Explicit endpoints (tests); otherwise the SDK's environment and config files decide. */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly sqs?: string;
    readonly sns?: string;
    readonly s3?: string;
    readonly events?: string;
  };
  /** SDK retry budget; throttling is retried by the SDK with backoff. */
  readonly maxAttempts?: number;
}

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client: native JS values in and out; `undefined` attributes dropped. */
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly events: EventBridgeClient;
  readonly secrets: SecretsManagerClient;
  readonly cloudwatch: CloudWatchClient;
  destroy(): void;
}

export function createAwsClients(options: ClientOptions = {}): AwsClients {
  const base = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
  };
  const endpoint = (service: keyof NonNullable<ClientOptions['endpoints']>) => {
    const value = options.endpoints?.[service];
    return value ? { endpoint: value } : {};
  };
  const dynamodb = new DynamoDBClient({ ...base, ...endpoint('dynamodb') });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  // Requests go to the configured endpoint, never to a queue URL's host: the same in AWS (queue
  // URLs name the regional endpoint) and required by emulators whose queue URLs do not resolve.
  const sqs = new SQSClient({ ...base, ...endpoint('sqs'), useQueueUrlAsEndpoint: false });
  const sns = new SNSClient({ ...base, ...endpoint('sns') });
  // An explicit S3 endpoint is an emulator (fauxqs), which serves buckets by path, not by host name.
  const s3 = new S3Client({
    ...base,
    ...endpoint('s3'),
    forcePathStyle: Boolean(options.endpoints?.s3 ?? process.env.AWS_ENDPOINT_URL_S3),
  });
  const events = new EventBridgeClient({ ...base, ...endpoint('events') });
  const secrets = new SecretsManagerClient(base);
  const cloudwatch = new CloudWatchClient(base);
  return {
    dynamodb,
    documents,
    sqs,
    sns,
    s3,
    events,
    secrets,
    cloudwatch,
    destroy() {
      for (const client of [documents, dynamodb, sqs, sns, s3, events, secrets, cloudwatch]) client.destroy();
    },
  };
}
