import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AlarmTopics } from './alarm-topics.ts';
import type { FailureQueues, RunQueues, WebhookQueues } from './queues.ts';
import {
  type AlarmDeclaration,
  alarmName,
  ALARMS,
  type FunctionName,
  METRIC_NAMESPACE,
  metricDimensions,
} from '../../shared/catalogue/index.ts';

export interface AlarmsProps {
  /** The stage: every alarm is named `shelfwatch-<stage>-<name>`. */
  readonly stage: string;
  /** The topic of each severity, notified on ALARM and on OK. */
  readonly topics: AlarmTopics;
  /** The queues whose metrics (DLQ depth, age of oldest message) alarms watch. */
  readonly queues: RunQueues;
  /** The on-failure destinations whose depth alarms watch. */
  readonly failureQueues: FailureQueues;
  /** The webhooks queue and its DLQ. */
  readonly webhookQueues: WebhookQueues;
  /** The functions whose metrics (errors, throttles, duration) alarms watch. */
  readonly functions: Record<FunctionName, IFunction>;
}

/** Where an on-call engineer finds what to do about an alarm. */
export const runbookPath = (declaration: AlarmDeclaration): string =>
  `docs/runbooks/${declaration.runbook}.md`;

/** Every alarm of the catalogue, each notifying the topic of its severity on ALARM and on OK. */
export class Alarms extends Construct {
  readonly byName: Record<string, Alarm>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const entries = Object.entries(ALARMS).map(([name, declaration]) => {
      const alarm = new Alarm(this, name, {
        alarmName: alarmName(props.stage, name),
        alarmDescription: `[${declaration.severity}] ${declaration.description} Runbook: ${runbookPath(declaration)}`,
        metric: this.metricFor(declaration, props),
        threshold: declaration.threshold,
        comparisonOperator: ComparisonOperator[comparisonKey(declaration.comparison)],
        evaluationPeriods: declaration.evaluationPeriods,
        datapointsToAlarm: declaration.datapointsToAlarm,
        treatMissingData:
          declaration.treatMissingData === 'breaching'
            ? TreatMissingData.BREACHING
            : TreatMissingData.NOT_BREACHING,
      });
      const action = new SnsAction(props.topics.bySeverity[declaration.severity]);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return [name, alarm] as const;
    });
    this.byName = Object.fromEntries(entries);
  }

  private metricFor(declaration: AlarmDeclaration, props: AlarmsProps): IMetric {
    const options = {
      period: Duration.seconds(declaration.periodSeconds),
      statistic: declaration.metric.statistic,
    };
    const metric = declaration.metric;
    switch (metric.kind) {
      case 'custom':
        return new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: metric.name,
          dimensionsMap: metricDimensions(props.stage),
          ...options,
        });
      case 'queue': {
        const queues = props.queues.byPriority[metric.priority];
        const queue = metric.deadLetter
          ? queues.deadLetterQueue
          : metric.mode === 'http'
            ? queues.httpQueue
            : queues.queue;
        return queue.metric(metric.name, options);
      }
      case 'function':
        return props.functions[metric.function].metric(metric.name, options);
      case 'failureQueue':
        return props.failureQueues.byName[metric.queue].metric(metric.name, options);
      case 'webhookQueue':
        return (metric.deadLetter ? props.webhookQueues.deadLetterQueue : props.webhookQueues.queue).metric(
          metric.name,
          options,
        );
    }
  }
}

function comparisonKey(comparison: AlarmDeclaration['comparison']): keyof typeof ComparisonOperator {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return 'GREATER_THAN_THRESHOLD';
    case 'GreaterThanOrEqualToThreshold':
      return 'GREATER_THAN_OR_EQUAL_TO_THRESHOLD';
    case 'LessThanThreshold':
      return 'LESS_THAN_THRESHOLD';
  }
}
