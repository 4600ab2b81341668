import path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type ICommandHooks, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  ALARM_WEBHOOK_SECRET_VARIABLE,
  EVENT_BUS_VARIABLE,
  bucketVariable,
  deadLetterQueueUrlVariable,
  EXPANDER_CATCH_UP_HOURS_VARIABLE,
  ITEM_RETENTION_DAYS_VARIABLE,
  queueUrlVariable,
  RUN_RETENTION_DAYS_VARIABLE,
  STAGE_VARIABLE,
  tableVariable,
  topicArnVariable,
} from '../../shared/aws/index.ts';
import { WEB_ROOT_VARIABLE } from '../../shared/api/web-page-files.ts';
import { SCRAPER_VARIABLES } from '../../shared/scraping/scraper-config.ts';
import type { AlarmTopics } from './alarm-topics.ts';
import type { Buckets } from './buckets.ts';
import type { RunEvents } from './run-events.ts';
import type { RunQueues } from './queues.ts';
import type { Tables } from './tables.ts';
import type { Priority } from '../../shared/definitions/index.ts';
import {
  alarmName,
  type FunctionDeclaration,
  type FunctionName,
  FUNCTIONS,
  METRIC_NAMESPACE,
  QUEUES,
  resourceName,
  type TableAccess,
  type TableName,
  TABLES,
} from '../../shared/catalogue/index.ts';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/** Folder of the function's package that holds @sparticuz/chromium's compressed browser. */
const CHROMIUM_BIN_FOLDER = 'chromium-bin';

/**
 * esbuild bundles @sparticuz/chromium's code but not its `bin` folder (the brotli-compressed
 * browser, ~65 MB): copied beside the bundle, and named to the scraper by SHELFWATCH_CHROMIUM_BIN.
 */
const CHROMIUM_BESIDE_BUNDLE: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [
    `cp -R "${inputDir}/node_modules/@sparticuz/chromium/bin" "${outputDir}/${CHROMIUM_BIN_FOLDER}"`,
  ],
};

/** Folder beside the bundle that holds the monitor page's files (read by shared/api/web-page-files.ts). */
const WEB_PAGE_FOLDER = 'web';

/** The monitor page's static files (HTML, ES modules, CSS: no build step) copied beside the bundle. */
const WEB_PAGE_BESIDE_BUNDLE: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [
    `cp -R "${inputDir}/web" "${outputDir}/${WEB_PAGE_FOLDER}"`,
  ],
};

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

export interface FunctionsProps {
  readonly stage: string;
  readonly logRetentionDays: number;
  readonly runRetentionDays: number;
  readonly itemRetentionDays: number;
  readonly expanderCatchUpHours: number;
  readonly removalPolicy: 'retain' | 'destroy';
  readonly maxConcurrency: Record<Priority, number>;
  readonly tables: Tables;
  readonly queues: RunQueues;
  readonly topics: AlarmTopics;
  readonly buckets: Buckets;
  readonly runEvents: RunEvents;
  readonly alarmWebhookSecretName?: string | undefined;
  readonly proxySecretName?: string | undefined;
  readonly scraperUserAgents?: string | undefined;
}

/**
 * Every Lambda of the catalogue, each with its own role holding exactly the grants its
 * catalogue entry names (tables, queues, topics), resolved to specific ARNs.
 */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const entries = (Object.entries(FUNCTIONS) as [FunctionName, FunctionDeclaration][]).map(
      ([name, declaration]) => [name, this.createFunction(name, declaration, props)] as const,
    );
    this.byName = Object.fromEntries(entries) as Record<FunctionName, NodejsFunction>;
  }

  private createFunction(name: FunctionName, declaration: FunctionDeclaration, props: FunctionsProps) {
    const functionName = resourceName(props.stage, name);
    const logGroup = new LogGroup(this, `${name}-logs`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new Role(this, `${name}-role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Shelfwatch ${props.stage} ${name}: ${declaration.purpose}`.slice(0, 1000),
    });
    const logsPolicy = new Policy(this, `${name}-logs-policy`, {
      statements: [
        new PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    role.attachInlinePolicy(logsPolicy);

    const fn = new NodejsFunction(this, name, {
      functionName,
      description: declaration.purpose,
      entry: path.join(REPOSITORY_ROOT, declaration.entry),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: declaration.architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...this.environmentFor(name, declaration, props),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ...(declaration.bundlesChromium ? { commandHooks: CHROMIUM_BESIDE_BUNDLE } : {}),
        ...(declaration.servesWebPage ? { commandHooks: WEB_PAGE_BESIDE_BUNDLE } : {}),
      },
    });

    this.grantTables(role, declaration, props.tables);
    this.grantQueues(role, fn, declaration, props);
    for (const bucketName of declaration.writesTo ?? []) {
      const bucket = props.buckets.byName[bucketName];
      const writes = new Policy(this, `${name}-${bucketName}-writes`, {
        statements: [
          new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('reports/*')] }),
        ],
      });
      role.attachInlinePolicy(writes);
      Validations.of(writes).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/reports/*]`,
        reason:
          'One report object per UTC day under reports/: the key is not known in advance. PutObject only, this bucket and prefix only.',
      });
    }
    if (declaration.forwardsAlarms && props.alarmWebhookSecretName) {
      const secret = Secret.fromSecretNameV2(this, `${name}-webhook-secret`, props.alarmWebhookSecretName);
      role.addToPrincipalPolicy(
        // A name resolves to an ARN with a six-character suffix AWS adds; `-??????` matches it exactly.
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [`${secret.secretArn}-??????`],
        }),
      );
      for (const topic of Object.values(props.topics.bySeverity))
        topic.addSubscription(new LambdaSubscription(fn));
    }
    if (declaration.bundlesChromium && props.proxySecretName) {
      const secret = Secret.fromSecretNameV2(this, `${name}-proxy-secret`, props.proxySecretName);
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [`${secret.secretArn}-??????`],
        }),
      );
    }
    if (declaration.readsAlarmStates) {
      const reads = new Policy(this, `${name}-alarm-states`, {
        statements: [
          new PolicyStatement({
            actions: ['cloudwatch:DescribeAlarms'],
            resources: [
              Stack.of(this).formatArn({
                service: 'cloudwatch',
                resource: 'alarm',
                resourceName: alarmName(props.stage, '*'),
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        ],
      });
      role.attachInlinePolicy(reads);
      acknowledge(
        reads,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${alarmName(props.stage, '*')}]`,
        "Alarm states for the web page: DescribeAlarms (read-only) on this stage's alarms only, by their name prefix; the alarms are listed, not known one by one at read time.",
      );
    }
    if (declaration.publishesRunEvents) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.runEvents.bus.eventBusArn] }),
      );
    }
    for (const severity of declaration.publishesTo) {
      // Written out instead of grantPublish(), which adds kms:GenerateDataKey* (a wildcard action).
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['sns:Publish'],
          resources: [props.topics.bySeverity[severity].topicArn],
        }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.topics.key.keyArn],
        }),
      );
    }
    return fn;
  }

  private environmentFor(name: FunctionName, declaration: FunctionDeclaration, props: FunctionsProps) {
    const environment: Record<string, string> = {
      [STAGE_VARIABLE]: props.stage,
      [RUN_RETENTION_DAYS_VARIABLE]: String(props.runRetentionDays),
      [ITEM_RETENTION_DAYS_VARIABLE]: String(props.itemRetentionDays),
      [EXPANDER_CATCH_UP_HOURS_VARIABLE]: String(props.expanderCatchUpHours),
      POWERTOOLS_SERVICE_NAME: `shelfwatch-${name}`,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };
    for (const table of Object.keys(declaration.tables) as TableName[]) {
      environment[tableVariable(table)] = props.tables.byName[table].tableName;
    }
    for (const priority of new Set([
      ...declaration.sendsTo,
      ...declaration.consumes,
      ...declaration.inspectsQueues,
      ...(declaration.pullsFrom ?? []),
    ])) {
      environment[queueUrlVariable(priority)] = props.queues.byPriority[priority].queue.queueUrl;
    }
    for (const priority of new Set([...declaration.inspectsQueues, ...(declaration.redrivesFrom ?? [])])) {
      environment[deadLetterQueueUrlVariable(priority)] =
        props.queues.byPriority[priority].deadLetterQueue.queueUrl;
    }
    for (const severity of declaration.publishesTo) {
      environment[topicArnVariable(severity)] = props.topics.bySeverity[severity].topicArn;
    }
    for (const bucket of declaration.writesTo ?? []) {
      environment[bucketVariable(bucket)] = props.buckets.byName[bucket].bucketName;
    }
    if (declaration.forwardsAlarms && props.alarmWebhookSecretName) {
      environment[ALARM_WEBHOOK_SECRET_VARIABLE] = props.alarmWebhookSecretName;
    }
    if (declaration.publishesRunEvents) {
      environment[EVENT_BUS_VARIABLE] = props.runEvents.bus.eventBusName;
    }
    if (declaration.servesWebPage) environment[WEB_ROOT_VARIABLE] = `/var/task/${WEB_PAGE_FOLDER}`;
    if (declaration.bundlesChromium) {
      environment[SCRAPER_VARIABLES.chromiumBinPath] = `/var/task/${CHROMIUM_BIN_FOLDER}`;
      if (props.proxySecretName) environment[SCRAPER_VARIABLES.proxySecretName] = props.proxySecretName;
      if (props.scraperUserAgents) environment[SCRAPER_VARIABLES.userAgents] = props.scraperUserAgents;
    }
    return environment;
  }

  private grantTables(role: Role, declaration: FunctionDeclaration, tables: Tables) {
    for (const [table, access] of Object.entries(declaration.tables) as [TableName, TableAccess][]) {
      const construct = tables.byName[table];
      const actions = new Set<string>();
      if (access === 'read' || access === 'readWrite') for (const action of READ_ACTIONS) actions.add(action);
      if (access === 'write' || access === 'readWrite')
        for (const action of WRITE_ACTIONS) actions.add(action);
      const indexArns =
        access === 'write'
          ? []
          : TABLES[table].indexes.map((index) => `${construct.tableArn}/index/${index.name}`);
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: [...actions].sort(), resources: [construct.tableArn, ...indexArns] }),
      );
    }
  }

  private grantQueues(
    role: Role,
    fn: NodejsFunction,
    declaration: FunctionDeclaration,
    props: FunctionsProps,
  ) {
    for (const priority of declaration.sendsTo) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          resources: [props.queues.byPriority[priority].queue.queueArn],
        }),
      );
    }
    for (const priority of declaration.consumes) {
      // The event source mapping grants receive/delete/change-visibility on this queue only.
      fn.addEventSource(
        new SqsEventSource(props.queues.byPriority[priority].queue, {
          batchSize: QUEUES[priority].batchSize,
          maxConcurrency: props.maxConcurrency[priority],
          reportBatchItemFailures: true,
        }),
      );
    }
    const receiveAndDelete = [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
    ];
    for (const priority of declaration.pullsFrom ?? []) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: receiveAndDelete,
          resources: [props.queues.byPriority[priority].queue.queueArn],
        }),
      );
    }
    for (const priority of declaration.redrivesFrom ?? []) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: receiveAndDelete,
          resources: [props.queues.byPriority[priority].deadLetterQueue.queueArn],
        }),
      );
    }
    for (const priority of declaration.inspectsQueues) {
      const { queue, deadLetterQueue } = props.queues.byPriority[priority];
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queue.queueArn] }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'],
          resources: [deadLetterQueue.queueArn],
        }),
      );
    }
  }
}

/** Records why a cdk-nag rule does not apply to one construct (and only to it). */
export function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
