import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  type Alarm,
  Dashboard,
  GraphWidget,
  type IWidget,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { RunQueues } from './queues.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import { METRIC_NAMESPACE, metricDimensions, resourceName } from '../../shared/catalogue/index.ts';

export interface PipelineDashboardProps {
  /** The stage, part of the dashboard's name and of the metrics' dimensions. */
  readonly stage: string;
  /** Every alarm, shown by its state. */
  readonly alarms: Record<string, Alarm>;
  /** The queues whose depth and age are graphed. */
  readonly queues: RunQueues;
}

/** One CloudWatch dashboard: every alarm's state, then the metrics they watch. */
export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const custom = (name: string, statistic: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: name,
        dimensionsMap: { ...metricDimensions(props.stage), ...dimensions },
        statistic,
        period: Duration.minutes(5),
      });
    const graph = (title: string, left: Metric[], width = 8): IWidget =>
      new GraphWidget({ title, left, width, height: 6 });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(props.stage, 'pipeline'),
      widgets: [
        [
          new TextWidget({
            markdown: `# Shelfwatch ${props.stage}\nEach alarm names its runbook in its description (docs/runbooks/). Slots are UTC hours.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new AlarmStatusWidget({
            title: 'Alarms',
            alarms: Object.values(props.alarms),
            width: 24,
            height: 6,
          }),
        ],
        [
          graph('Runs created (expander) and items saved', [
            custom('RunsCreated', 'Sum'),
            custom('ItemsSaved', 'Sum'),
          ]),
          graph('Success rate / blocked rate / completeness', [
            custom('SuccessRate', 'Average'),
            custom('BlockedRate', 'Average'),
            custom('FieldCompleteness', 'Average'),
          ]),
          graph('Runs finished', [custom('RunsSucceeded', 'Sum'), custom('RunsFailed', 'Sum')]),
        ],
        [
          graph(
            'Dead letters per priority',
            PRIORITIES.map((priority) => custom('DeadLetters', 'Maximum', { Priority: priority })),
          ),
          graph(
            'Oldest message age (s)',
            PRIORITIES.map((priority) =>
              props.queues.byPriority[priority].queue.metricApproximateAgeOfOldestMessage({
                period: Duration.minutes(5),
              }),
            ),
          ),
          graph('Repairs and backlog', [
            custom('RunsRequeued', 'Sum'),
            custom('RunsMarkedDeadLettered', 'Sum'),
            custom('ExpiredLeases', 'Maximum'),
            custom('RunsQueuedTooLong', 'Maximum'),
            custom('StaleDefinitions', 'Maximum'),
          ]),
        ],
        [
          graph('Heartbeats', [custom('ExpanderHeartbeat', 'Sum'), custom('MonitorHeartbeat', 'Sum')], 12),
          graph('Expander: slots', [custom('SlotsCaughtUp', 'Sum'), custom('SlotsSkipped', 'Sum')], 12),
        ],
      ],
    });
  }
}
