/**
 * The deployed history in the template: the Glue table and view derived from the declaration
 * (not copied), partition projection, the Athena workgroup's enforced settings and scan limit,
 * the named queries, the buckets, the history function's stream mapping and least-privilege
 * grants, the API's query grants, and the two history alarms. Bundling is skipped: these are
 * facts of the template (test/infra/history-bundle.test.ts runs the bundle itself).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { ConfigurationError } from '../../infra/config.ts';
import { HISTORY_FIRST_DAY } from '../../infra/constructs/history-analytics.ts';
import {
  athenaWorkgroupName,
  BUCKETS,
  FUNCTIONS,
  streamsConsumedBy,
  failureQueueName,
  glueDatabaseName,
  resourceName,
  tableName,
} from '../../shared/catalogue/index.ts';
import { findPlatform, platformIds } from '../../shared/definitions/index.ts';
import {
  dedupedSelectOf,
  glueColumnsOf,
  gluePartitionKeysOf,
  NAMED_HISTORY_QUERIES,
  prestoViewOfText,
  SNAPSHOT_HISTORY,
} from '../../shared/history/index.ts';
import { resourcesOf, type Synthesized, synthesize } from './synthesize.ts';

const STAGE = 'hist';
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('the deployed history', () => {
  let synth: Synthesized;
  before(() => {
    synth = synthesize({ stage: STAGE, ...NO_BUNDLING });
  });
  after(() => synth.cleanup());

  const only = (type: string, predicate: (p: Record<string, unknown>) => boolean) => {
    const found = Object.entries(resourcesOf(synth.json, type)).filter(([, r]) => predicate(r.Properties));
    assert.equal(found.length, 1, `exactly one ${type}`);
    const [id, resource] = found[0] as [string, { Properties: Record<string, unknown> }];
    return { id, properties: resource.Properties };
  };
  const tableInput = (name: string) =>
    only('AWS::Glue::Table', (p) => (p.TableInput as { Name: string }).Name === name).properties
      .TableInput as Record<string, unknown>;
  const bucketId = (name: string) =>
    only('AWS::S3::Bucket', (p) =>
      JSON.stringify(p.LoggingConfiguration ?? {}).includes(`"LogFilePrefix":"${name}/"`),
    ).id;
  const statementsOfRole = (fn: string): Statement[] => {
    const roleId = only(
      'AWS::IAM::Role',
      (p) => typeof p.Description === 'string' && p.Description.startsWith(`Shelfwatch ${STAGE} ${fn}:`),
    ).id;
    return Object.values(resourcesOf(synth.json, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  };

  it("gives the Glue table the declaration's columns and partition keys, with partition projection", () => {
    const raw = tableInput('snapshots_raw');
    const descriptor = raw.StorageDescriptor as Record<string, unknown>;
    assert.deepEqual(descriptor.Columns, glueColumnsOf(SNAPSHOT_HISTORY).map(cfnColumn));
    assert.deepEqual(raw.PartitionKeys, gluePartitionKeysOf(SNAPSHOT_HISTORY).map(cfnColumn));
    assert.equal(
      (descriptor.SerdeInfo as Record<string, string>).SerializationLibrary,
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    const parameters = raw.Parameters as Record<string, string>;
    const marketplaces = new Set(platformIds().flatMap((p) => findPlatform(p)?.marketplaces ?? []));
    assert.deepEqual(
      {
        enabled: parameters['projection.enabled'],
        dtType: parameters['projection.dt.type'],
        dtFormat: parameters['projection.dt.format'],
        dtRange: parameters['projection.dt.range'],
        platforms: parameters['projection.platform.values']?.split(',').sort(),
        marketplaces: parameters['projection.marketplace.values']?.split(',').sort(),
      },
      {
        enabled: 'true',
        dtType: 'date',
        dtFormat: 'yyyy-MM-dd',
        dtRange: `${HISTORY_FIRST_DAY},NOW`,
        platforms: platformIds().sort(),
        marketplaces: [...marketplaces].sort(),
      },
    );
    assert.ok(parameters['projection.platform.values']?.split(',').includes('1688'));
    const template = JSON.stringify(parameters['storage.location.template']);
    assert.ok(template.includes(bucketId('history')), template);
    assert.ok(
      template.endsWith('/snapshots/v1/dt=${dt}/platform=${platform}/marketplace=${marketplace}"]]}'),
      template,
    );
  });

  it('stores the de-duplicated view in Glue as a Presto view whose SQL is the one DuckDB runs', () => {
    const view = tableInput('snapshots');
    assert.equal(view.TableType, 'VIRTUAL_VIEW');
    const definition = prestoViewOfText(view.ViewOriginalText as string);
    assert.ok(definition, 'a Presto view text');
    assert.equal(definition.originalSql, dedupedSelectOf(SNAPSHOT_HISTORY, 'snapshots_raw'));
    assert.equal(definition.schema, glueDatabaseName(STAGE));
    assert.deepEqual(
      definition.columns.map((column) => column.name),
      [...glueColumnsOf(SNAPSHOT_HISTORY), ...gluePartitionKeysOf(SNAPSHOT_HISTORY)].map((c) => c.name),
    );
    synth.template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: glueDatabaseName(STAGE) }),
    });
  });

  it('runs queries in a workgroup with enforced settings, encrypted results in the results bucket and a scan limit', () => {
    const { properties } = only('AWS::Athena::WorkGroup', (p) => p.Name === athenaWorkgroupName(STAGE));
    const configuration = properties.WorkGroupConfiguration as Record<string, unknown>;
    assert.equal(configuration.EnforceWorkGroupConfiguration, true);
    assert.equal(configuration.BytesScannedCutoffPerQuery, 10_240 * 1024 * 1024);
    const results = configuration.ResultConfiguration as Record<string, unknown>;
    assert.deepEqual(results.EncryptionConfiguration, { EncryptionOption: 'SSE_S3' });
    assert.ok(JSON.stringify(results.OutputLocation).includes(bucketId('athenaResults')));
    assert.ok(JSON.stringify(results.OutputLocation).endsWith('/athena/"]]}'));
  });

  it('saves each named query with its SQL in the workgroup and database', () => {
    const named = Object.values(resourcesOf(synth.json, 'AWS::Athena::NamedQuery'));
    assert.equal(named.length, Object.keys(NAMED_HISTORY_QUERIES).length);
    for (const query of Object.values(NAMED_HISTORY_QUERIES)) {
      synth.template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: query.name,
        QueryString: query.sql,
        Database: glueDatabaseName(STAGE),
        WorkGroup: athenaWorkgroupName(STAGE),
      });
    }
  });

  it('keeps the history in a private, encrypted, TLS-only bucket moved to Intelligent-Tiering and never expired', () => {
    for (const name of ['history', 'athenaResults'] as const) {
      const id = bucketId(name);
      const bucket = resourcesOf(synth.json, 'AWS::S3::Bucket')[id]?.Properties ?? {};
      assert.ok(bucket.BucketEncryption, `${name} encrypted`);
      assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const policy = only(
        'AWS::S3::BucketPolicy',
        (p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: id }),
      );
      assert.ok(JSON.stringify(policy.properties.PolicyDocument).includes('"aws:SecureTransport":"false"'));
    }
    const rules = (id: string) =>
      (
        resourcesOf(synth.json, 'AWS::S3::Bucket')[id]?.Properties.LifecycleConfiguration as {
          Rules: unknown[];
        }
      ).Rules;
    assert.deepEqual(rules(bucketId('history')), [
      {
        Status: 'Enabled',
        Transitions: [
          {
            StorageClass: 'INTELLIGENT_TIERING',
            TransitionInDays: BUCKETS.history.intelligentTieringAfterDays,
          },
        ],
      },
    ]);
    assert.deepEqual(rules(bucketId('athenaResults')), [
      { Status: 'Enabled', ExpirationInDays: BUCKETS.athenaResults.expireAfterDays },
    ]);
  });

  it('maps the items and changes streams to the history function: inserts and modifications, bisected, failures to the failure queue', () => {
    const streams = streamsConsumedBy(FUNCTIONS.history);
    assert.deepEqual(
      streams.map((stream) => stream.table),
      ['items', 'changes'],
    );
    const queueId = only(
      'AWS::SQS::Queue',
      (p) => p.QueueName === failureQueueName(STAGE, 'historyFailures'),
    ).id;
    for (const stream of streams) {
      const tableId = only(
        'AWS::DynamoDB::GlobalTable',
        (p) => p.TableName === tableName(STAGE, stream.table),
      ).id;
      synth.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: tableName(STAGE, stream.table),
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        BatchSize: stream.batchSize,
        MaximumBatchingWindowInSeconds: stream.maxBatchingWindowSeconds,
        MaximumRetryAttempts: stream.retryAttempts,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'TRIM_HORIZON',
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }] },
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
  });

  it('lets the history function read the items and changes streams, write under snapshots/v1/ and changes/v1/ and describe failures, nothing more', () => {
    const streamArnOf = (table: 'items' | 'changes') =>
      JSON.stringify({
        'Fn::GetAtt': [
          only('AWS::DynamoDB::GlobalTable', (p) => p.TableName === tableName(STAGE, table)).id,
          'StreamArn',
        ],
      });
    const queueId = only(
      'AWS::SQS::Queue',
      (p) => p.QueueName === failureQueueName(STAGE, 'historyFailures'),
    ).id;
    const logsId = only(
      'AWS::Logs::LogGroup',
      (p) => p.LogGroupName === `/aws/lambda/${resourceName(STAGE, 'history')}`,
    ).id;
    const granted = statementsOfRole('history').map((s) => ({
      actions: [s.Action].flat().sort(),
      resource: JSON.stringify(s.Resource),
    }));
    const byGrant = (
      a: { actions: string[]; resource: string },
      b: { actions: string[]; resource: string },
    ) => a.actions.join().localeCompare(b.actions.join()) || a.resource.localeCompare(b.resource);
    const historyObjects = (prefix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId('history'), 'Arn'] }, `/${prefix}/*`]],
    });
    assert.deepEqual(
      granted.sort(byGrant),
      [
        ...(['items', 'changes'] as const).flatMap((table) => [
          {
            actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            resource: streamArnOf(table),
          },
          { actions: ['dynamodb:ListStreams'], resource: streamArnOf(table) },
        ]),
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resource: JSON.stringify({ 'Fn::GetAtt': [logsId, 'Arn'] }),
        },
        {
          actions: ['s3:PutObject'],
          resource: JSON.stringify([historyObjects('snapshots/v1'), historyObjects('changes/v1')]),
        },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resource: JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }),
        },
      ].sort(byGrant),
    );
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'history'),
      Architectures: ['x86_64'],
      Environment: {
        Variables: Match.objectLike({ SHELFWATCH_BUCKET_HISTORY: { Ref: bucketId('history') } }),
      },
    });
  });

  it('lets the history compactor list the two table prefixes only and get, put and delete objects under them, nothing more', () => {
    const logsId = only(
      'AWS::Logs::LogGroup',
      (p) => p.LogGroupName === `/aws/lambda/${resourceName(STAGE, 'historyCompactor')}`,
    ).id;
    const granted = statementsOfRole('historyCompactor').map((s) => ({
      actions: [s.Action].flat().sort(),
      resource: JSON.stringify(s.Resource),
      condition: JSON.stringify((s as { Condition?: unknown }).Condition ?? null),
    }));
    const historyArn = { 'Fn::GetAtt': [bucketId('history'), 'Arn'] };
    const historyObjects = (prefix: string) => ({ 'Fn::Join': ['', [historyArn, `/${prefix}/*`]] });
    const byAction = (a: { actions: string[] }, b: { actions: string[] }) =>
      a.actions.join().localeCompare(b.actions.join());
    assert.deepEqual(
      granted.sort(byAction),
      [
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resource: JSON.stringify({ 'Fn::GetAtt': [logsId, 'Arn'] }),
          condition: 'null',
        },
        {
          actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          resource: JSON.stringify([historyObjects('snapshots/v1'), historyObjects('changes/v1')]),
          condition: 'null',
        },
        {
          actions: ['s3:ListBucket'],
          resource: JSON.stringify(historyArn),
          condition: JSON.stringify({ StringLike: { 's3:prefix': ['snapshots/v1/*', 'changes/v1/*'] } }),
        },
      ].sort(byAction),
    );
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'historyCompactor'),
      Architectures: ['x86_64'],
      MemorySize: FUNCTIONS.historyCompactor.memoryMb,
      Timeout: FUNCTIONS.historyCompactor.timeoutSeconds,
      Environment: {
        Variables: Match.objectLike({ SHELFWATCH_BUCKET_HISTORY: { Ref: bucketId('history') } }),
      },
    });
  });

  it('runs the history compactor daily at 03:30 UTC and alarms on a failed run and on 26 hours without one', () => {
    const fnId = only(
      'AWS::Lambda::Function',
      (p) => p.FunctionName === resourceName(STAGE, 'historyCompactor'),
    ).id;
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: resourceName(STAGE, 'historyCompactor'),
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: resourceName(STAGE, 'HistoryCompactorErrors'),
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Period: 3600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      AlarmDescription: Match.stringLikeRegexp('history-compaction'),
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: resourceName(STAGE, 'HistoryCompactorHeartbeatMissing'),
      Namespace: 'Shelfwatch',
      MetricName: 'HistoryCompactorHeartbeat',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      EvaluationPeriods: 26,
    });
  });

  it('lets the API query the history in its workgroup only, and tells it the workgroup, database and buckets', () => {
    const statements = statementsOfRole('api');
    const athena = statements.find((s) => [s.Action].flat().includes('athena:StartQueryExecution'));
    assert.deepEqual([athena?.Action].flat().sort(), [
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ]);
    assert.ok(JSON.stringify(athena?.Resource).endsWith(`:workgroup/${athenaWorkgroupName(STAGE)}"]]}`));
    const glue = statements.find((s) => [s.Action].flat().includes('glue:GetTable'));
    const glueText = JSON.stringify(glue?.Resource);
    for (const table of ['snapshots_raw', 'snapshots'])
      assert.ok(glueText.includes(`:table/${glueDatabaseName(STAGE)}/${table}"`), table);
    const objectReads = statements.filter((s) => [s.Action].flat().includes('s3:GetObject'));
    const readText = JSON.stringify(objectReads.map((s) => s.Resource));
    assert.ok(readText.includes(`"/snapshots/*"`) && readText.includes(`"/athena/*"`), readText);
    const writes = statements.filter((s) => [s.Action].flat().includes('s3:PutObject'));
    assert.equal(writes.length, 1);
    assert.ok(JSON.stringify(writes[0]?.Resource).includes(bucketId('athenaResults')));
    assert.ok(JSON.stringify(writes[0]?.Resource).endsWith('/athena/*"]]}'));
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: resourceName(STAGE, 'api'),
      Environment: {
        Variables: Match.objectLike({
          SHELFWATCH_ATHENA_WORKGROUP: athenaWorkgroupName(STAGE),
          SHELFWATCH_GLUE_DATABASE: glueDatabaseName(STAGE),
          SHELFWATCH_BUCKET_HISTORY: { Ref: bucketId('history') },
          SHELFWATCH_BUCKET_ATHENA_RESULTS: { Ref: bucketId('athenaResults') },
        }),
      },
    });
  });

  it('alarms on the stream consumer falling behind and on failed batches', () => {
    const fnId = only('AWS::Lambda::Function', (p) => p.FunctionName === resourceName(STAGE, 'history')).id;
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: resourceName(STAGE, 'HistoryIteratorAgeHigh'),
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: resourceName(STAGE, 'HistoryFailedBatches'),
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [
              only('AWS::SQS::Queue', (p) => p.QueueName === failureQueueName(STAGE, 'historyFailures')).id,
              'QueueName',
            ],
          },
        },
      ],
    });
  });
});

describe('the deployed history, configured', () => {
  it('takes the scan limit and a history expiry from the context', () => {
    const synth = synthesize({
      stage: STAGE,
      ...NO_BUNDLING,
      athenaBytesScannedCutoffMb: '50',
      historyExpireAfterDays: '400',
    });
    try {
      synth.template.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 50 * 1024 * 1024 }),
      });
      synth.template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'history/' }),
        LifecycleConfiguration: {
          Rules: [
            {
              Status: 'Enabled',
              ExpirationInDays: 400,
              Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }],
            },
          ],
        },
      });
    } finally {
      synth.cleanup();
    }
  });

  it("refuses a scan limit under Athena's 10 MB minimum, naming the key", () => {
    assert.throws(
      () => synthesize({ stage: STAGE, ...NO_BUNDLING, athenaBytesScannedCutoffMb: 5 }),
      (error) =>
        error instanceof ConfigurationError && /context "athenaBytesScannedCutoffMb"/.test(error.message),
    );
  });
});

function cfnColumn(column: { name: string; type: string; comment: string }) {
  return { Name: column.name, Type: column.type, Comment: column.comment };
}
