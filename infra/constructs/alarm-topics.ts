import { Duration } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity, topicName, TOPICS } from '../../shared/catalogue/index.ts';

export interface AlarmTopicsProps {
  /** The stage, part of the topic names and display names. */
  readonly stage: string;
  /**
   * An address subscribed to both topics (AWS sends it a confirmation first).
   * @default - no e-mail subscription
   */
  readonly alarmEmail?: string | undefined;
}

/**
 * The critical and warning topics. Encrypted with a customer-managed key because CloudWatch
 * alarms cannot publish to a topic under the AWS-managed SNS key (its policy excludes them).
 */
export class AlarmTopics extends Construct {
  readonly bySeverity: Record<Severity, Topic>;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Shelfwatch ${props.stage}: encrypts the alarm topics`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    const entries = SEVERITIES.map((severity) => {
      const topic = new Topic(this, severity, {
        topicName: topicName(props.stage, severity),
        displayName: `Shelfwatch ${props.stage} ${severity}: ${TOPICS[severity].purpose}`.slice(0, 100),
        masterKey: this.key,
        enforceSSL: true,
      });
      if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
      return [severity, topic] as const;
    });
    this.bySeverity = Object.fromEntries(entries) as Record<Severity, Topic>;
  }
}
