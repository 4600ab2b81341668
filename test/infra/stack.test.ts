import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type CfnRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../infra/build-app.ts';
import { environmentOf } from '../../infra/constructs/functions/environment.ts';
import type { FunctionsProps } from '../../infra/constructs/functions/functions.ts';
import { grantDeclaredAccess } from '../../infra/constructs/functions/grants.ts';
import { WEBHOOK_VARIABLES } from '../../shared/webhooks/index.ts';
import { type Resources, resourcesOf, type Synthesized, synthesize } from './synthesize.ts';
import { grantedVariables } from '../helpers/function-environment.ts';
import { ATHENA_WORKGROUP_VARIABLE, GLUE_DATABASE_VARIABLE, STAGE_VARIABLE } from '../../shared/aws/index.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import {
  alarmName,
  ALARMS,
  deadLetterQueueName,
  type FunctionDeclaration,
  WEBHOOK_QUEUE,
  webhookDeadLetterQueueName,
  webhookQueueName,
  FAILURE_QUEUES,
  type FunctionName,
  FUNCTIONS,
  streamsConsumedBy,
  queueName,
  QUEUES,
  resourceName,
  RUN_QUEUE_MODES,
  SCHEDULES,
  tableName,
  type TableName,
  TABLES,
  topicName,
} from '../../shared/catalogue/index.ts';

const STAGE = 'test';

describe('the Shelfwatch stack', () => {
  let synth: Synthesized;
  before(() => {
    synth = synthesize({
      stage: STAGE,
      alarmEmail: 'oncall@example.com',
      alertEmail: 'alerts@example.com',
      maxConcurrencyHigh: 25,
    });
  });
  after(() => synth.cleanup());

  const logicalIdOf = (type: string, predicate: (properties: Record<string, unknown>) => boolean): string => {
    const found = Object.entries(resourcesOf(synth.json, type)).filter(([, r]) => predicate(r.Properties));
    assert.equal(found.length, 1, `expected exactly one ${type} matching`);
    return (found[0] as [string, unknown])[0];
  };

  it('has a browser and an HTTP queue per priority, both redriving to its own encrypted DLQ from the catalogue', () => {
    const queues = resourcesOf(synth.json, 'AWS::SQS::Queue');
    // + the webhooks queue and its DLQ (their own test below).
    assert.equal(Object.keys(queues).length, PRIORITIES.length * 3 + Object.keys(FAILURE_QUEUES).length + 2);
    for (const priority of PRIORITIES) {
      const dlqId = logicalIdOf(
        'AWS::SQS::Queue',
        (p) => p.QueueName === deadLetterQueueName(STAGE, priority),
      );
      for (const mode of RUN_QUEUE_MODES) {
        synth.template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: queueName(STAGE, priority, mode),
          SqsManagedSseEnabled: true,
          VisibilityTimeout: QUEUES[priority].visibilityTimeoutSeconds,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
            maxReceiveCount: QUEUES[priority].maxReceiveCount,
          },
        });
      }
      synth.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: deadLetterQueueName(STAGE, priority),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: QUEUES[priority].dlqRetentionSeconds,
      });
    }
  });

  it('denies non-TLS access to every queue and topic', () => {
    const policies = [
      ...Object.values(resourcesOf(synth.json, 'AWS::SQS::QueuePolicy')),
      ...Object.values(resourcesOf(synth.json, 'AWS::SNS::TopicPolicy')),
    ];
    // Queues, failure queues, the two alarm topics and the alerts topic, the webhooks queue and its DLQ.
    assert.equal(policies.length, PRIORITIES.length * 3 + Object.keys(FAILURE_QUEUES).length + 3 + 2);
    for (const policy of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      assert.ok(
        statements.some(
          (s) =>
            s.Effect === 'Deny' &&
            JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      );
    }
  });

  it('declares every catalogue table on demand, with PITR, its keys, indexes, TTL and stream', () => {
    const tables = resourcesOf(synth.json, 'AWS::DynamoDB::GlobalTable');
    assert.equal(Object.keys(tables).length, Object.keys(TABLES).length);
    for (const [name, table] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
      const keySchema = [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }];
      if ('sortKey' in table) keySchema.push({ AttributeName: table.sortKey.name, KeyType: 'RANGE' });
      synth.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: tableName(STAGE, name),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema,
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
        TimeToLiveSpecification:
          'ttlAttribute' in table ? { AttributeName: table.ttlAttribute, Enabled: true } : Match.absent(),
        GlobalSecondaryIndexes:
          table.indexes.length === 0
            ? Match.absent()
            : table.indexes.map((index) => Match.objectLike({ IndexName: index.name })),
        StreamSpecification: 'stream' in table ? { StreamViewType: table.stream } : Match.absent(),
      });
    }
  });

  it('has every alarm of the catalogue, notifying the topic of its severity on ALARM and OK', () => {
    const alarms = resourcesOf(synth.json, 'AWS::CloudWatch::Alarm');
    assert.equal(Object.keys(alarms).length, Object.keys(ALARMS).length);
    for (const [name, declaration] of Object.entries(ALARMS)) {
      const topicId = logicalIdOf(
        'AWS::SNS::Topic',
        (p) => p.TopicName === topicName(STAGE, declaration.severity),
      );
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: resourceName(STAGE, name),
        AlarmDescription: Match.stringLikeRegexp(`Runbook: docs/runbooks/${declaration.runbook}\\.md`),
        Threshold: declaration.threshold,
        ComparisonOperator: declaration.comparison,
        EvaluationPeriods: declaration.evaluationPeriods,
        TreatMissingData: declaration.treatMissingData,
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
  });

  it('encrypts the alarm topics with a rotating customer key CloudWatch may use, and subscribes the e-mail', () => {
    // The two alarm topics and the alerts topic, under the one key.
    synth.template.resourceCountIs('AWS::SNS::Topic', 3);
    synth.template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Effect: 'Allow' }),
        ]),
      },
    });
    synth.template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { Protocol: 'email', Endpoint: 'oncall@example.com' },
      2,
    );
  });

  it('runs every function on nodejs24.x with a role of its own and a log group with retention', () => {
    const functions = Object.values(resourcesOf(synth.json, 'AWS::Lambda::Function'));
    assert.equal(functions.length, Object.keys(FUNCTIONS).length);
    const roles = new Set(functions.map((fn) => JSON.stringify(fn.Properties.Role)));
    assert.equal(roles.size, functions.length, 'each function has its own role');
    for (const [name, declaration] of Object.entries(FUNCTIONS)) {
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: resourceName(STAGE, name),
        Runtime: 'nodejs24.x',
        Architectures: [declaration.architecture],
        Timeout: declaration.timeoutSeconds,
        MemorySize: declaration.memoryMb,
        Environment: {
          Variables: Match.objectLike({
            SHELFWATCH_STAGE: STAGE,
            SHELFWATCH_RUN_RETENTION_DAYS: '30',
            SHELFWATCH_ITEM_RETENTION_DAYS: '90',
            SHELFWATCH_CHANGE_RETENTION_DAYS: '90',
          }),
        },
      });
      synth.template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${resourceName(STAGE, name)}`,
        RetentionInDays: 30,
      });
    }
    synth.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    for (const role of Object.values(resourcesOf(synth.json, 'AWS::IAM::Role'))) {
      assert.equal(role.Properties.ManagedPolicyArns, undefined, 'no AWS managed policies');
    }
  });

  it('grants no wildcard resource or action in any IAM policy', () => {
    const policies = Object.entries(resourcesOf(synth.json, 'AWS::IAM::Policy'));
    assert.ok(policies.length >= Object.keys(FUNCTIONS).length);
    for (const [id, policy] of policies) {
      const document = policy.Properties.PolicyDocument as {
        Statement: { Action: unknown; Resource: unknown }[];
      };
      for (const statement of document.Statement) {
        const actions = [statement.Action].flat() as string[];
        const resources = [statement.Resource].flat();
        for (const action of actions) assert.ok(!action.includes('*'), `${id}: wildcard action ${action}`);
        for (const resource of resources) {
          const text = JSON.stringify(resource);
          // The exceptions, acknowledged with a reason: daily report objects and history files
          // (keys not known in advance), reading the states of this stage's alarms (by name
          // prefix), Athena's reads of the history and its results (keys made per query).
          const isReportObjects = actions.join() === 's3:PutObject' && text.endsWith('"/reports/*"]]}');
          // The compactor's reads, writes and deletes of history files: the same prefixes.
          const isHistoryFiles =
            ['s3:PutObject', 's3:GetObject', 's3:DeleteObject,s3:GetObject,s3:PutObject'].includes(
              [...actions].sort().join(),
            ) && /"\/(snapshots|changes)\/v1\/\*"\]\]\}$/.test(text);
          const isHistoryReads =
            actions.join() === 's3:GetObject' && /"\/(snapshots|changes)\/\*"\]\]\}$/.test(text);
          const isQueryResults =
            actions.every((action) => action.startsWith('s3:')) && text.endsWith('"/athena/*"]]}');
          const isStageAlarms =
            actions.join() === 'cloudwatch:DescribeAlarms' &&
            text.endsWith(`":alarm:shelfwatch-${STAGE}-*"]]}`);
          assert.ok(
            !text.includes('*') ||
              isReportObjects ||
              isHistoryFiles ||
              isHistoryReads ||
              isQueryResults ||
              isStageAlarms,
            `${id}: wildcard resource ${text}`,
          );
        }
      }
    }
  });

  it('gives each function exactly the table and queue access its catalogue entry names', () => {
    const statementsOf = (fn: FunctionName) => {
      const roleId = logicalIdOf(
        'AWS::IAM::Role',
        (p) => typeof p.Description === 'string' && p.Description.startsWith(`Shelfwatch ${STAGE} ${fn}:`),
      );
      return Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
    };
    for (const [fn, declaration] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      const text = JSON.stringify(statementsOf(fn));
      for (const table of Object.keys(TABLES) as TableName[]) {
        const tableId = logicalIdOf(
          'AWS::DynamoDB::GlobalTable',
          (p) => p.TableName === tableName(STAGE, table),
        );
        // A stream consumer reads the table's stream (its StreamArn), not the table.
        const readsStream = streamsConsumedBy(declaration).some((stream) => stream.table === table);
        assert.equal(
          text.includes(tableId),
          table in declaration.tables || readsStream,
          `${fn} access to table ${table}`,
        );
        if (readsStream) {
          const onTable = JSON.stringify(statementsOf(fn).filter((s) => JSON.stringify(s).includes(tableId)));
          assert.ok(!onTable.includes('dynamodb:GetItem'), `${fn} reads the stream only`);
        }
      }
      // A stream consumer describes failed batches on its failure queue (the mapping's destination).
      // The webhook sender moves deliveries that cannot succeed to its DLQ itself.
      const sends =
        declaration.sendsTo.length > 0 ||
        'consumesStream' in declaration ||
        'deliversWebhooks' in declaration;
      assert.equal(text.includes('sqs:SendMessage'), sends, `${fn} sends messages`);
      const deletes =
        [
          declaration.consumes,
          'consumesHttp' in declaration ? declaration.consumesHttp : [],
          'pullsFrom' in declaration ? declaration.pullsFrom : [],
          'redrivesFrom' in declaration ? declaration.redrivesFrom : [],
        ].some((priorities) => priorities.length > 0) || 'deliversWebhooks' in declaration;
      assert.equal(text.includes('sqs:DeleteMessage'), deletes, `${fn} consumes, pulls or redrives messages`);
      const publishes = declaration.publishesTo.length > 0 || 'publishesAlerts' in declaration;
      assert.equal(text.includes('sns:Publish'), publishes, `${fn} publishes`);
      const reads = Object.values(declaration.tables as Record<string, string>).some(
        (access) => access !== 'write',
      );
      assert.equal(text.includes('dynamodb:Scan'), reads, `${fn} may list (Scan) what it reads`);
    }
  });

  it('serves the API through an HTTP API with throttling, JSON access logs and its endpoint as an output', () => {
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { Format: Match.stringLikeRegexp('requestId') },
    });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    synth.template.hasOutput('ApiEndpoint', {});
  });

  it('maps each browser queue to the scraper and each HTTP queue to the HTTP scraper, each with its own maximum concurrency', () => {
    const mappings = Object.values(resourcesOf(synth.json, 'AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => !('StartingPosition' in mapping.Properties),
    );
    assert.equal(
      mappings.length,
      PRIORITIES.length * 2 + 1,
      'two per priority and the webhooks queue (plus the items stream, not counted)',
    );
    const functionId = (name: FunctionName) =>
      logicalIdOf('AWS::Lambda::Function', (p) => p.FunctionName === resourceName(STAGE, name));
    const expected = { high: 25, normal: QUEUES.normal.maxConcurrency, low: QUEUES.low.maxConcurrency };
    for (const priority of PRIORITIES) {
      const queueId = logicalIdOf('AWS::SQS::Queue', (p) => p.QueueName === queueName(STAGE, priority));
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: functionId('scraper') },
        BatchSize: QUEUES[priority].batchSize,
        ScalingConfig: { MaximumConcurrency: expected[priority] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const httpQueueId = logicalIdOf(
        'AWS::SQS::Queue',
        (p) => p.QueueName === queueName(STAGE, priority, 'http'),
      );
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [httpQueueId, 'Arn'] },
        FunctionName: { Ref: functionId('httpScraper') },
        BatchSize: QUEUES[priority].batchSize,
        ScalingConfig: { MaximumConcurrency: QUEUES[priority].httpMaxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('gives each function the resource variables test/helpers/function-environment.ts says it is granted, and no other', () => {
    // A resource variable's value is a reference to a resource of the stack (or a name made from
    // the stage: the stage itself, Athena's workgroup and Glue's database); settings are literals.
    const NAMED_BY_STAGE = new Set([STAGE_VARIABLE, ATHENA_WORKGROUP_VARIABLE, GLUE_DATABASE_VARIABLE]);
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const [fn] = Object.values(resourcesOf(synth.json, 'AWS::Lambda::Function')).filter(
        (resource) => resource.Properties.FunctionName === resourceName(STAGE, name),
      );
      assert.ok(fn, `${name} exists`);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const resourceVariables = Object.entries(variables)
        .filter(([variable, value]) => typeof value === 'object' || NAMED_BY_STAGE.has(variable))
        .map(([variable]) => variable);
      assert.deepEqual(new Set(grantedVariables(name)), new Set(resourceVariables), name);
    }
  });

  it('runs the HTTP scraper small and without Chromium: consuming only the HTTP queues, sending to both', () => {
    const declaration = FUNCTIONS.httpScraper;
    assert.ok(declaration.memoryMb <= 512, 'a small function');
    const [fn] = Object.values(resourcesOf(synth.json, 'AWS::Lambda::Function')).filter(
      (resource) => resource.Properties.FunctionName === resourceName(STAGE, 'httpScraper'),
    );
    assert.ok(fn, 'the HTTP scraper exists');
    assert.equal(fn.Properties.MemorySize, declaration.memoryMb);
    assert.deepEqual(fn.Properties.Architectures, ['arm64']);
    assert.equal(fn.Properties.Layers, undefined, 'no layer (no Chromium layer)');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.equal(variables.SHELFWATCH_CHROMIUM_BIN, undefined, 'no Chromium folder to find');
    for (const priority of PRIORITIES) {
      assert.ok(variables[`SHELFWATCH_QUEUE_${priority.toUpperCase()}_URL`], `browser queue ${priority}`);
      assert.ok(variables[`SHELFWATCH_QUEUE_${priority.toUpperCase()}_HTTP_URL`], `HTTP queue ${priority}`);
      assert.equal(variables[`SHELFWATCH_DLQ_${priority.toUpperCase()}_URL`], undefined, 'no DLQ');
    }
    const roleId = logicalIdOf(
      'AWS::IAM::Role',
      (p) =>
        typeof p.Description === 'string' && p.Description.startsWith(`Shelfwatch ${STAGE} httpScraper:`),
    );
    const statements = Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
            .Statement,
      );
    const queueIdOf = (priority: (typeof PRIORITIES)[number], mode: (typeof RUN_QUEUE_MODES)[number]) =>
      logicalIdOf('AWS::SQS::Queue', (p) => p.QueueName === queueName(STAGE, priority, mode));
    const resourcesWith = (action: string) =>
      JSON.stringify(
        statements.filter((statement) => [statement.Action].flat().includes(action)).map((s) => s.Resource),
      );
    for (const priority of PRIORITIES) {
      for (const mode of RUN_QUEUE_MODES) {
        assert.ok(resourcesWith('sqs:SendMessage').includes(queueIdOf(priority, mode)), `sends to ${mode}`);
      }
      assert.ok(resourcesWith('sqs:DeleteMessage').includes(queueIdOf(priority, 'http')));
      assert.ok(!resourcesWith('sqs:DeleteMessage').includes(`"${queueIdOf(priority, 'browser')}"`));
    }
  });

  it('gives the notifier an INSERT-only mapping on the changes stream that bisects, retries and describes failures', () => {
    const changesId = logicalIdOf(
      'AWS::DynamoDB::GlobalTable',
      (p) => p.TableName === tableName(STAGE, 'changes'),
    );
    const failuresId = logicalIdOf(
      'AWS::SQS::Queue',
      (p) => p.QueueName === resourceName(STAGE, 'notifier-failures'),
    );
    const stream = FUNCTIONS.notifier.consumesStream;
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [changesId, 'StreamArn'] },
      BatchSize: stream.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: stream.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } },
    });
  });

  it('lets only the notifier publish to the alerts topic, which is KMS-encrypted and mailed to alertEmail', () => {
    const alertsId = logicalIdOf('AWS::SNS::Topic', (p) => p.TopicName === resourceName(STAGE, 'alerts'));
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: resourceName(STAGE, 'alerts'),
      KmsMasterKeyId: Match.anyValue(),
    });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'alerts@example.com',
      TopicArn: { Ref: alertsId },
    });
    const publishers = Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(`{"Ref":"${alertsId}"}`),
    );
    assert.equal(publishers.length, 1);
    const statements = (publishers[0]?.Properties.PolicyDocument as { Statement: { Action: unknown }[] })
      .Statement;
    const onTopic = statements.filter((s) => JSON.stringify(s).includes(alertsId));
    assert.deepEqual(
      onTopic.map((s) => s.Action),
      ['sns:Publish'],
    );
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'notifier'),
      Environment: { Variables: Match.objectLike({ SHELFWATCH_ALERT_TOPIC_ARN: { Ref: alertsId } }) },
    });
  });

  it('lets only the scrapers, the API (for workers) and the notifier put events, on the run bus only', () => {
    const busId = logicalIdOf('AWS::Events::EventBus', (p) => p.Name === resourceName(STAGE, 'runs'));
    const putters = Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('events:PutEvents'),
    );
    const publishers = Object.values(FUNCTIONS).filter((declaration) => 'publishesRunEvents' in declaration);
    assert.equal(publishers.length, 4);
    assert.equal(putters.length, publishers.length);
    for (const putter of putters) assert.ok(JSON.stringify(putter.Properties.PolicyDocument).includes(busId));
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'scraper'),
      Environment: {
        Variables: Match.objectLike({
          SHELFWATCH_EVENT_BUS_NAME: { Ref: busId },
          SHELFWATCH_CHROMIUM_BIN: '/var/task/chromium-bin',
        }),
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'api'),
      Environment: { Variables: Match.objectLike({ SHELFWATCH_WEB_ROOT: '/var/task/web' }) },
    });
    synth.template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: 7,
    });
  });

  it('has a dashboard showing every alarm and the metrics they watch', () => {
    const dashboards = Object.values(resourcesOf(synth.json, 'AWS::CloudWatch::Dashboard'));
    assert.equal(dashboards.length, 1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const name of Object.keys(ALARMS))
      assert.ok(body.includes(resourceName(STAGE, name)) || body.includes(name), name);
    for (const metric of [
      'SuccessRate',
      'ItemsSaved',
      'DeadLetters',
      'ExpanderHeartbeat',
      'MonitorHeartbeat',
    ]) {
      assert.ok(body.includes(metric), metric);
    }
  });

  it('keeps daily reports in a private, encrypted, expiring bucket with access logs', () => {
    // reports, history, athenaResults and the access-log bucket (test/infra/history.test.ts: the other two).
    synth.template.resourceCountIs('AWS::S3::Bucket', 4);
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'reports/' }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400, Status: 'Enabled' })] },
    });
    synth.template.allResourcesProperties('AWS::S3::Bucket', { AccessControl: Match.absent() });
  });

  it('subscribes no function to the alarm topics when no chat webhook is configured', () => {
    synth.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'lambda' }, 0);
    assert.ok(!JSON.stringify(synth.json).includes('secretsmanager:'));
  });

  it('fires each catalogue schedule with a time zone, through a role that may invoke only its target', () => {
    const schedules: Resources = resourcesOf(synth.json, 'AWS::Scheduler::Schedule');
    assert.equal(Object.keys(schedules).length, Object.keys(SCHEDULES).length);
    for (const [name, declaration] of Object.entries(SCHEDULES)) {
      const functionId = logicalIdOf(
        'AWS::Lambda::Function',
        (p) => p.FunctionName === resourceName(STAGE, declaration.target),
      );
      synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: resourceName(STAGE, name),
        ScheduleExpression: declaration.expression,
        ScheduleExpressionTimezone: 'UTC',
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        }),
      });
    }
  });
});

describe('the Shelfwatch stack with a chat webhook', () => {
  it('subscribes the alarm forwarder to both topics and lets it read only that secret', () => {
    const synth = synthesize({ stage: STAGE, alarmWebhookSecretName: 'shelfwatch/test/webhook' });
    try {
      const forwarderId = Object.entries(resourcesOf(synth.json, 'AWS::Lambda::Function')).find(
        ([, fn]) => fn.Properties.FunctionName === resourceName(STAGE, 'alarmForwarder'),
      )?.[0];
      assert.ok(forwarderId);
      synth.template.resourcePropertiesCountIs(
        'AWS::SNS::Subscription',
        { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [forwarderId, 'Arn'] } },
        2,
      );
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: resourceName(STAGE, 'alarmForwarder'),
        Environment: {
          Variables: Match.objectLike({ SHELFWATCH_ALARM_WEBHOOK_SECRET_NAME: 'shelfwatch/test/webhook' }),
        },
      });
      const statements = Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy')).flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
            .Statement,
      );
      const secretStatements = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));
      assert.equal(secretStatements.length, 1);
      assert.equal(secretStatements[0]?.Action, 'secretsmanager:GetSecretValue');
      assert.match(
        JSON.stringify(secretStatements[0]?.Resource),
        /secret:shelfwatch\/test\/webhook-\?\?\?\?\?\?/,
      );
    } finally {
      synth.cleanup();
    }
  });
});

describe('the Shelfwatch stack with a scraper proxy and user agents', () => {
  it('names the proxy secret and user agents to the two scrapers alone and lets them read only that secret', () => {
    const agents = '["ShelfwatchBot/1.0 (+https://example.com/bot)"]';
    const synth = synthesize({
      stage: STAGE,
      proxySecretName: 'shelfwatch/test/proxy',
      scraperUserAgents: agents,
    });
    try {
      for (const name of ['scraper', 'httpScraper']) {
        synth.template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: resourceName(STAGE, name),
          Environment: {
            Variables: Match.objectLike({
              SHELFWATCH_SCRAPER_PROXY_SECRET_NAME: 'shelfwatch/test/proxy',
              SHELFWATCH_SCRAPER_USER_AGENTS: agents,
            }),
          },
        });
      }
      const withProxy = Object.values(resourcesOf(synth.json, 'AWS::Lambda::Function')).filter((fn) =>
        JSON.stringify(fn.Properties.Environment).includes('SHELFWATCH_SCRAPER_PROXY_SECRET_NAME'),
      );
      assert.equal(withProxy.length, 2, 'no other function is told the secret name');
      const readers = Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy.Properties.PolicyDocument).includes('secret:shelfwatch/test/proxy-??????'),
      );
      assert.equal(readers.length, 2, "the two scrapers' policies, no other, may read the proxy secret");
    } finally {
      synth.cleanup();
    }
  });

  it('refuses user agents that are not a JSON array of strings, naming the key', () => {
    assert.throws(() => synthesize({ stage: STAGE, scraperUserAgents: 'Mozilla/5.0' }), /scraperUserAgents/);
  });
});

describe('the Shelfwatch stack with rule webhooks', () => {
  const webhookSenderId = (synth: Synthesized) =>
    Object.entries(resourcesOf(synth.json, 'AWS::Lambda::Function')).find(
      ([, fn]) => fn.Properties.FunctionName === resourceName(STAGE, 'webhookSender'),
    )?.[0];
  const secretStatementsOf = (synth: Synthesized) =>
    Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy')).flatMap((policy) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement.filter((s) => JSON.stringify(s.Action).includes('secretsmanager')).map((statement) => ({
        roles: JSON.stringify(policy.Properties.Roles),
        statement,
      })),
    );

  it('has an encrypted webhooks queue redriving to its DLQ, consumed by a small arm64 sender with batch item failures', () => {
    const synth = synthesize({ stage: STAGE });
    try {
      const dlqId = Object.entries(resourcesOf(synth.json, 'AWS::SQS::Queue')).find(
        ([, queue]) => queue.Properties.QueueName === webhookDeadLetterQueueName(STAGE),
      )?.[0];
      assert.ok(dlqId, 'the webhooks DLQ exists');
      synth.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: webhookDeadLetterQueueName(STAGE),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: WEBHOOK_QUEUE.dlqRetentionSeconds,
      });
      synth.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: webhookQueueName(STAGE),
        SqsManagedSseEnabled: true,
        VisibilityTimeout: WEBHOOK_QUEUE.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
        },
      });
      const senderId = webhookSenderId(synth);
      assert.ok(senderId);
      synth.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: resourceName(STAGE, 'webhookSender'),
        Architectures: ['arm64'],
        MemorySize: FUNCTIONS.webhookSender.memoryMb,
        Environment: {
          Variables: Match.objectLike({
            SHELFWATCH_WEBHOOK_QUEUE_URL: Match.anyValue(),
            SHELFWATCH_WEBHOOK_DLQ_URL: Match.anyValue(),
          }),
        },
      });
      const queueId = Object.entries(resourcesOf(synth.json, 'AWS::SQS::Queue')).find(
        ([, queue]) => queue.Properties.QueueName === webhookQueueName(STAGE),
      )?.[0];
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: senderId },
        BatchSize: WEBHOOK_QUEUE.batchSize,
        ScalingConfig: { MaximumConcurrency: WEBHOOK_QUEUE.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      // No webhooks listed: no function may read any webhook secret; no local-only variable is set.
      assert.deepEqual(
        secretStatementsOf(synth).filter(({ statement }) =>
          JSON.stringify(statement.Resource).includes('webhooks'),
        ),
        [],
      );
      const text = JSON.stringify(resourcesOf(synth.json, 'AWS::Lambda::Function'));
      for (const variable of Object.values(WEBHOOK_VARIABLES).filter((v) => /FILE|ALLOW/.test(v))) {
        assert.ok(!text.includes(variable), `${variable} is never deployed`);
      }
      for (const alarm of ['WebhookFailures', 'WebhookDeadLetters']) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: alarmName(STAGE, alarm),
        });
      }
    } finally {
      synth.cleanup();
    }
  });

  it('lets the sender, and no other function, read exactly the secrets of the listed webhooks', () => {
    const synth = synthesize({ stage: STAGE, webhooks: 'team-json,ops.slack' });
    try {
      const statements = secretStatementsOf(synth);
      assert.equal(statements.length, 2);
      const senderRoles = new Set(statements.map(({ roles }) => roles));
      assert.equal(senderRoles.size, 1, 'one role holds them');
      assert.match([...senderRoles][0] ?? '', /webhookSender/);
      const resources = statements.map(({ statement }) => JSON.stringify(statement.Resource)).sort();
      assert.match(resources[0] ?? '', /secret:shelfwatch\/test\/webhooks\/ops\.slack-\?\?\?\?\?\?/);
      assert.match(resources[1] ?? '', /secret:shelfwatch\/test\/webhooks\/team-json-\?\?\?\?\?\?/);
      for (const { statement } of statements) assert.equal(statement.Action, 'secretsmanager:GetSecretValue');
    } finally {
      synth.cleanup();
    }
  });

  it('grants a function declared enqueuesWebhooks SendMessage on the webhooks queue and names it', (t) => {
    // No function of this branch enqueues yet (the notifier will): a declaration made here.
    const outdir = mkdtempSync(path.join(tmpdir(), 'shelfwatch-cdk-'));
    t.after(() => rmSync(outdir, { recursive: true, force: true }));
    const { stack } = buildApp({ outdir, context: { stage: STAGE } });
    const declaration: FunctionDeclaration = {
      purpose: 'A notifier, for this test.',
      entry: 'functions/api/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      architecture: 'arm64',
      tables: {},
      sendsTo: [],
      consumes: [],
      inspectsQueues: [],
      publishesTo: [],
      enqueuesWebhooks: true,
    };
    const role = new Role(stack, 'NotifierRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const props = {
      stage: STAGE,
      webhookQueues: stack.webhookQueues,
      webhookIds: [],
      // Unused by this declaration (no tables, run queues, topics, buckets, secrets).
    } as unknown as FunctionsProps;
    grantDeclaredAccess({ scope: stack, name: 'api', declaration, role }, props);
    const variables = environmentOf('api', declaration, {
      ...props,
      runRetentionDays: 1,
      itemRetentionDays: 1,
      changeRetentionDays: 1,
      expanderCatchUpHours: 1,
    });
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(role.node.defaultChild as CfnRole);
    const queueId = stack.getLogicalId(stack.webhookQueues.queue.node.defaultChild as CfnQueue);
    const dlqId = stack.getLogicalId(stack.webhookQueues.deadLetterQueue.node.defaultChild as CfnQueue);
    const policies = Object.values(resourcesOf(template.toJSON(), 'AWS::IAM::Policy')).filter(
      (policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    const text = JSON.stringify(policies);
    assert.ok(text.includes('sqs:SendMessage'), 'SendMessage');
    assert.ok(text.includes(queueId), 'on the webhooks queue');
    assert.ok(!text.includes(dlqId), 'not on its DLQ');
    assert.ok(!text.includes('sqs:ReceiveMessage'), 'no consumption');
    assert.ok(!text.includes('secretsmanager'), 'no secrets');
    assert.ok('SHELFWATCH_WEBHOOK_QUEUE_URL' in variables);
    assert.ok(!('SHELFWATCH_WEBHOOK_DLQ_URL' in variables));
  });
});
