import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { resourceName, RUN_EVENTS_BUS } from '../../shared/catalogue/index.ts';
import type { RemovalPolicyName } from '../config.ts';

export interface RunEventsProps {
  /** The stage: the bus is `shelfwatch-<stage>-runs`. */
  readonly stage: string;
  /** `retain` keeps the bus when the stack is deleted; `destroy` deletes it. */
  readonly removalPolicy: RemovalPolicyName;
}

/** The EventBridge bus of run-summary events, with an archive so consumers can replay a week. */
export class RunEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: RunEventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: resourceName(props.stage, RUN_EVENTS_BUS.name),
      description: RUN_EVENTS_BUS.purpose,
    });
    this.bus.applyRemovalPolicy(
      props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    );
    this.bus.archive('Archive', {
      archiveName: resourceName(props.stage, `${RUN_EVENTS_BUS.name}-archive`),
      description: 'Run summaries, kept for replay.',
      eventPattern: { source: ['shelfwatch'] },
      retention: Duration.days(RUN_EVENTS_BUS.archiveRetentionDays),
    });
  }
}
