import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ShelfwatchConfig } from './config.ts';
import { athenaWorkgroupName, glueDatabaseName } from '../shared/catalogue/index.ts';
import { AlarmTopics } from './constructs/alarm-topics.ts';
import { AlertTopic } from './constructs/alert-topic.ts';
import { Alarms } from './constructs/alarms.ts';
import { Buckets } from './constructs/buckets.ts';
import { PipelineDashboard } from './constructs/dashboard.ts';
import { Functions } from './constructs/functions/functions.ts';
import { ShelfwatchHttpApi } from './constructs/http-api.ts';
import { FailureQueues, RunQueues, WebhookQueues } from './constructs/queues.ts';
import { HistoryAnalytics } from './constructs/history-analytics.ts';
import { RunEvents } from './constructs/run-events.ts';
import { Schedules } from './constructs/schedules.ts';
import { Tables } from './constructs/tables.ts';

export interface ShelfwatchStackProps extends StackProps {
  /** The stage's settings, read from the CDK context and validated by config.ts. */
  readonly config: ShelfwatchConfig;
}

/** The whole pipeline of one stage; every resource comes from shared/catalogue/. */
export class ShelfwatchStack extends Stack {
  readonly tables: Tables;
  readonly queues: RunQueues;
  readonly failureQueues: FailureQueues;
  readonly webhookQueues: WebhookQueues;
  readonly historyAnalytics: HistoryAnalytics;
  readonly topics: AlarmTopics;
  readonly alerts: AlertTopic;
  readonly buckets: Buckets;
  readonly runEvents: RunEvents;
  readonly functions: Functions;
  readonly httpApi: ShelfwatchHttpApi;
  readonly schedules: Schedules;
  readonly alarms: Alarms;
  readonly dashboard: PipelineDashboard;

  constructor(scope: Construct, id: string, props: ShelfwatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('project', 'shelfwatch');
    Tags.of(this).add('stage', config.stage);

    this.tables = new Tables(this, 'Tables', { stage: config.stage, removalPolicy: config.removalPolicy });
    this.queues = new RunQueues(this, 'Queues', { stage: config.stage, removalPolicy: config.removalPolicy });
    this.failureQueues = new FailureQueues(this, 'FailureQueues', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
    });
    this.webhookQueues = new WebhookQueues(this, 'WebhookQueues', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
    });
    this.buckets = new Buckets(this, 'Buckets', {
      removalPolicy: config.removalPolicy,
      ...(config.historyExpireAfterDays
        ? { expireAfterDays: { history: config.historyExpireAfterDays } }
        : {}),
    });
    this.historyAnalytics = new HistoryAnalytics(this, 'HistoryAnalytics', {
      stage: config.stage,
      historyBucket: this.buckets.byName.history,
      resultsBucket: this.buckets.byName.athenaResults,
      bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoffMb * 1024 * 1024,
      removalPolicy: config.removalPolicy,
    });
    this.runEvents = new RunEvents(this, 'RunEvents', {
      stage: config.stage,
      removalPolicy: config.removalPolicy,
    });
    this.topics = new AlarmTopics(this, 'AlarmTopics', {
      stage: config.stage,
      alarmEmail: config.alarmEmail,
    });
    this.alerts = new AlertTopic(this, 'AlertTopic', {
      stage: config.stage,
      key: this.topics.key,
      alertEmail: config.alertEmail,
    });
    this.functions = new Functions(this, 'Functions', {
      stage: config.stage,
      logRetentionDays: config.logRetentionDays,
      runRetentionDays: config.runRetentionDays,
      itemRetentionDays: config.itemRetentionDays,
      changeRetentionDays: config.changeRetentionDays,
      expanderCatchUpHours: config.expanderCatchUpHours,
      removalPolicy: config.removalPolicy,
      maxConcurrency: config.maxConcurrency,
      tables: this.tables,
      queues: this.queues,
      failureQueues: this.failureQueues,
      webhookQueues: this.webhookQueues,
      webhookIds: config.webhooks ?? [],
      topics: this.topics,
      alerts: this.alerts,
      buckets: this.buckets,
      runEvents: this.runEvents,
      alarmWebhookSecretName: config.alarmWebhookSecretName,
      proxySecretName: config.proxySecretName,
      scraperUserAgents: config.scraperUserAgents,
    });
    this.httpApi = new ShelfwatchHttpApi(this, 'HttpApi', {
      stage: config.stage,
      handler: this.functions.byName.api,
      logRetentionDays: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      stage: config.stage,
      expressions: config.schedules,
      functions: this.functions.byName,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      stage: config.stage,
      topics: this.topics,
      queues: this.queues,
      failureQueues: this.failureQueues,
      webhookQueues: this.webhookQueues,
      functions: this.functions.byName,
    });
    new CfnOutput(this, 'RunEventsBusName', {
      value: this.runEvents.bus.eventBusName,
      description: 'EventBridge bus of run-summary events (source shelfwatch, detail-type "Run finished").',
    });
    new CfnOutput(this, 'HistoryWorkgroup', {
      value: athenaWorkgroupName(config.stage),
      description:
        'Athena workgroup of the history: database ' + glueDatabaseName(config.stage) + ', view snapshots.',
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      stage: config.stage,
      alarms: this.alarms.byName,
      queues: this.queues,
    });
  }
}
