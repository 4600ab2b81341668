import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Grant, type IRole, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  alarmName,
  ATHENA_RESULTS_PREFIX,
  athenaWorkgroupName,
  type FunctionDeclaration,
  type FunctionName,
  TABLES,
  type TableAccess,
  type TableName,
  glueDatabaseName,
  webhookSecretName,
} from '../../../shared/catalogue/index.ts';
import { HISTORY_TABLES, rawTableNameOf, tablePrefixOf } from '../../../shared/history/index.ts';
import { type Priority } from '../../../shared/definitions/index.ts';
import { acknowledge } from '../acknowledge.ts';
import type { FunctionsProps } from './functions.ts';

/** The function whose role is granted what its catalogue entry names. */
export interface GrantTarget {
  /** Scope of the few constructs a grant adds (policies, imported secrets), with ids from `name`. */
  readonly scope: Construct;
  readonly name: FunctionName;
  readonly declaration: FunctionDeclaration;
  readonly role: IRole;
}

/**
 * Grants a function's role exactly what its catalogue entry names, each on specific ARNs. L2
 * grant methods where they give no more than that; an explicit statement, with the reason beside
 * it, where they would give more.
 */
export function grantDeclaredAccess(target: GrantTarget, props: FunctionsProps): void {
  grantTables(target, props);
  grantQueues(target, props);
  grantTopics(target, props);
  grantReportWrites(target, props);
  grantSecrets(target, props);
  grantRunEvents(target, props);
  grantAlarmStates(target, props);
  grantHistoryWrites(target, props);
  grantHistoryCompaction(target, props);
  grantHistoryQueries(target, props);
  grantWebhooks(target, props);
}

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/**
 * Written out instead of grantReadData/grantWriteData/grantReadWriteData: those name
 * `<table>/index/*` (a wildcard resource) rather than the declared indexes, add the stream
 * actions (GetRecords, GetShardIterator) on tables without a stream, and let writers use indexes.
 */
function grantTables({ declaration, role }: GrantTarget, props: FunctionsProps): void {
  for (const [table, access] of Object.entries(declaration.tables) as [TableName, TableAccess][]) {
    const tableArn = props.tables.byName[table].tableArn;
    const reads = access !== 'write';
    const actions = new Set([...(reads ? READ_ACTIONS : []), ...(access !== 'read' ? WRITE_ACTIONS : [])]);
    const indexArns = reads ? TABLES[table].indexes.map((index) => `${tableArn}/index/${index.name}`) : [];
    Grant.addToPrincipal({
      grantee: role,
      actions: [...actions].sort(),
      resourceArns: [tableArn, ...indexArns],
    });
  }
}

/**
 * Consumed queues are granted by their event source mappings (triggers.ts). Sends go in a policy
 * of their own: both queues of each priority (which one a run's message goes to is decided per
 * run, by its fetch mode) as one statement, so that the role's default policy stays under IAM's
 * inline size limit (past it CDK splits it into a managed policy).
 */
function grantQueues({ scope, name, declaration, role }: GrantTarget, props: FunctionsProps): void {
  const runQueue = (priority: Priority) => props.queues.byPriority[priority];
  if (declaration.sendsTo.length > 0) {
    const sends = new Policy(scope, `${name}-run-queue-sends`, {
      statements: [
        new PolicyStatement({
          // What grants.sendMessages() names on an SQS-managed-encrypted queue, nothing more.
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          resources: declaration.sendsTo.flatMap((priority) => [
            runQueue(priority).queue.queueArn,
            runQueue(priority).httpQueue.queueArn,
          ]),
        }),
      ],
    });
    role.attachInlinePolicy(sends);
  }
  for (const priority of declaration.pullsFrom ?? []) runQueue(priority).queue.grants.consumeMessages(role);
  for (const priority of declaration.redrivesFrom ?? []) {
    runQueue(priority).deadLetterQueue.grants.consumeMessages(role);
  }
  for (const priority of declaration.inspectsQueues) {
    const { queue, httpQueue, deadLetterQueue } = runQueue(priority);
    // Depth and age of the queues; the DLQ's messages are read (not deleted) to mark their runs.
    queue.grants.actions(role, ['sqs:GetQueueAttributes']);
    httpQueue.grants.actions(role, ['sqs:GetQueueAttributes']);
    deadLetterQueue.grants.actions(role, [
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
    ]);
  }
}

/** Not grants.publish(): it adds kms:GenerateDataKey* (a wildcard action) on the topics' key. */
function grantTopics({ declaration, role }: GrantTarget, props: FunctionsProps): void {
  for (const severity of declaration.publishesTo) {
    props.topics.bySeverity[severity].grants.actions(role, ['sns:Publish'], {
      keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
  }
  if (declaration.publishesAlerts) {
    props.alerts.topic.grants.actions(role, ['sns:Publish'], {
      keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
  }
}

/**
 * PutObject on `reports/*` only (grants.put() adds legal hold, retention, tagging and s3:Abort*),
 * in a policy of its own so that the acknowledged wildcard covers this one statement.
 */
function grantReportWrites({ scope, name, declaration, role }: GrantTarget, props: FunctionsProps): void {
  for (const bucketName of declaration.writesTo ?? []) {
    const bucket = props.buckets.byName[bucketName];
    const writes = new Policy(scope, `${name}-${bucketName}-writes`, {
      statements: [
        new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('reports/*')] }),
      ],
    });
    role.attachInlinePolicy(writes);
    const bucketId = Stack.of(scope).getLogicalId(bucket.node.defaultChild as CfnBucket);
    acknowledge(
      writes,
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/reports/*]`,
      'One report object per UTC day under reports/: the key is not known in advance. PutObject only, this bucket and prefix only.',
    );
  }
}

/**
 * GetSecretValue alone: grantRead() adds DescribeSecret, which no function calls. A name resolves
 * to an ARN with a six-character suffix AWS adds; `-??????` matches it exactly.
 */
function grantSecrets(target: GrantTarget, props: FunctionsProps): void {
  if (target.declaration.forwardsAlarms) grantSecretValue(target, 'webhook', props.alarmWebhookSecretName);
  // The proxy is the scrapers' (Chromium and HTTP-only): the functions that read web pages.
  if (target.declaration.scrapesPages) grantSecretValue(target, 'proxy', props.proxySecretName);
}

function grantSecretValue({ scope, name, role }: GrantTarget, purpose: string, secretName?: string): void {
  if (!secretName) return;
  const secret = Secret.fromSecretNameV2(scope, `${name}-${purpose}-secret`, secretName);
  Grant.addToPrincipal({
    grantee: role,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [`${secret.secretArn}-??????`],
  });
}

/** grantPutEventsTo names the bus; the newer grants.allPutEvents() would name every bus ("*"). */
function grantRunEvents({ declaration, role }: GrantTarget, props: FunctionsProps): void {
  if (declaration.publishesRunEvents) props.runEvents.bus.grantPutEventsTo(role);
}

/** CloudWatch has no L2 grant for DescribeAlarms; the policy of its own carries the acknowledgement. */
function grantAlarmStates({ scope, name, declaration, role }: GrantTarget, props: FunctionsProps): void {
  if (!declaration.readsAlarmStates) return;
  const stageAlarms = alarmName(props.stage, '*');
  const reads = new Policy(scope, `${name}-alarm-states`, {
    statements: [
      new PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          Stack.of(scope).formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: stageAlarms,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    ],
  });
  role.attachInlinePolicy(reads);
  acknowledge(
    reads,
    `AwsSolutions-IAM5[Resource::${nagWrittenArn(scope, 'cloudwatch', `alarm:${stageAlarms}`)}]`,
    "Alarm states for the web page: DescribeAlarms (read-only) on this stage's alarms only, by their name prefix; the alarms are listed, not known one by one at read time.",
  );
}

/**
 * An ARN of this stack's account and region as cdk-nag writes it in a finding: a pseudo parameter
 * as `<AWS::Region>` while unresolved (tests), its value when the CLI supplies one (`cdk synth`).
 */
function nagWrittenArn(scope: Construct, service: string, resource: string): string {
  const { partition, region, account } = Stack.of(scope);
  const written = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
  return `arn:${written(partition, 'AWS::Partition')}:${service}:${written(region, 'AWS::Region')}:${written(account, 'AWS::AccountId')}:${resource}`;
}

/** The logical id cdk-nag writes for a bucket's ARN in a finding (`<BucketsHistoryAB12.Arn>`). */
function nagBucketArn(scope: Construct, bucket: { node: Construct['node'] }): string {
  return `<${Stack.of(scope).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>`;
}

/** PutObject under each history table's prefix (`snapshots/v1/*`) of the history bucket, nothing else. */
function grantHistoryWrites({ scope, name, declaration, role }: GrantTarget, props: FunctionsProps): void {
  if (!declaration.writesHistory) return;
  const bucket = props.buckets.byName.history;
  const prefixes = HISTORY_TABLES.map((table) => `${tablePrefixOf(table)}/*`);
  const writes = new Policy(scope, `${name}-history-writes`, {
    statements: [
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: prefixes.map((prefix) => bucket.arnForObjects(prefix)),
      }),
    ],
  });
  role.attachInlinePolicy(writes);
  for (const prefix of prefixes) {
    acknowledge(
      writes,
      `AwsSolutions-IAM5[Resource::${nagBucketArn(scope, bucket)}/${prefix}]`,
      'Parquet files are named part-<uuid> under dt/platform/marketplace folders decided by the rows: the keys are not known in advance. PutObject only, this table prefix only.',
    );
  }
}

/**
 * Compaction: ListBucket on the history bucket for the history tables' prefixes only (an
 * `s3:prefix` condition: a listing of anything else is refused), and GetObject, PutObject and
 * DeleteObject (which DeleteObjects requires per key) under those prefixes only.
 */
function grantHistoryCompaction(
  { scope, name, declaration, role }: GrantTarget,
  props: FunctionsProps,
): void {
  if (!declaration.compactsHistory) return;
  const bucket = props.buckets.byName.history;
  const prefixes = HISTORY_TABLES.map((table) => `${tablePrefixOf(table)}/*`);
  const compaction = new Policy(scope, `${name}-history-compaction`, {
    statements: [
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes } },
      }),
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: prefixes.map((prefix) => bucket.arnForObjects(prefix)),
      }),
    ],
  });
  role.attachInlinePolicy(compaction);
  for (const prefix of prefixes) {
    acknowledge(
      compaction,
      `AwsSolutions-IAM5[Resource::${nagBucketArn(scope, bucket)}/${prefix}]`,
      'Compaction reads the part-<uuid> files of a finished day, writes their compacted-<uuid> file and deletes the files it replaced: keys made per file under dt/platform/marketplace folders. This table prefix only.',
    );
  }
}

/**
 * Athena over the history, as the caller's own credentials need it: queries in this stage's
 * workgroup only; the Glue database, raw table and view; reads of the history files; reads and
 * writes of query results (and exports, presigned GetObject) under the results prefix.
 */
function grantHistoryQueries({ scope, name, declaration, role }: GrantTarget, props: FunctionsProps): void {
  if (!declaration.queriesHistory) return;
  const stack = Stack.of(scope);
  const database = glueDatabaseName(props.stage);
  const glue = (resource: string, resourceName?: string) =>
    stack.formatArn({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) });
  const history = props.buckets.byName.history;
  const results = props.buckets.byName.athenaResults;
  const historyObjects = HISTORY_TABLES.map((table) => `${table.name}/*`);
  const resultObjects = `${ATHENA_RESULTS_PREFIX}*`;
  const queries = new Policy(scope, `${name}-history-queries`, {
    statements: [
      new PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [
          stack.formatArn({
            service: 'athena',
            resource: 'workgroup',
            resourceName: athenaWorkgroupName(props.stage),
          }),
        ],
      }),
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          glue('catalog'),
          glue('database', database),
          ...HISTORY_TABLES.flatMap((table) => [
            glue('table', `${database}/${rawTableNameOf(table)}`),
            glue('table', `${database}/${table.name}`),
          ]),
        ],
      }),
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket'],
        resources: [history.bucketArn, results.bucketArn],
      }),
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: historyObjects.map((prefix) => history.arnForObjects(prefix)),
      }),
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [results.arnForObjects(resultObjects)],
      }),
    ],
  });
  role.attachInlinePolicy(queries);
  for (const prefix of historyObjects) {
    acknowledge(
      queries,
      `AwsSolutions-IAM5[Resource::${nagBucketArn(scope, history)}/${prefix}]`,
      "Athena reads the history files with the caller's credentials: GetObject on the history table's prefix, whose part-<uuid> keys are not known in advance. Read only.",
    );
  }
  acknowledge(
    queries,
    `AwsSolutions-IAM5[Resource::${nagBucketArn(scope, results)}/${resultObjects}]`,
    "Athena writes each query's result (and UNLOAD exports) under athena/<query id>, read back and presigned by the API: the keys are made per query. This prefix of the results bucket only.",
  );
}

/**
 * Enqueuers: SendMessage on the webhooks queue (what grants.sendMessages() names). The sender: its
 * queue is granted by its event source mapping; SendMessage on the DLQ (a delivery that can never
 * succeed is moved there at once); GetSecretValue on the listed webhooks' secrets only.
 */
function grantWebhooks(target: GrantTarget, props: FunctionsProps): void {
  const { declaration, role } = target;
  if (declaration.enqueuesWebhooks) props.webhookQueues.queue.grantSendMessages(role);
  if (!declaration.deliversWebhooks) return;
  props.webhookQueues.deadLetterQueue.grantSendMessages(role);
  for (const webhookId of props.webhookIds) {
    grantSecretValue(target, `webhook-${webhookId}`, webhookSecretName(props.stage, webhookId));
  }
}
