import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ALERT_TOPIC, alertTopicName } from '../../shared/catalogue/index.ts';

export interface AlertTopicProps {
  readonly stage: string;
  /** The customer-managed key of the alarm topics (rotation on); it encrypts this topic too. */
  readonly key: IKey;
  /**
   * An address subscribed to the alerts (AWS sends it a confirmation first).
   * @default - no e-mail subscription
   */
  readonly alertEmail?: string | undefined;
}

/** The alerts topic: fired watch rules (`delivery.sns`), its own topic, apart from the alarm topics. */
export class AlertTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      topicName: alertTopicName(props.stage),
      displayName: `Shelfwatch ${props.stage} alerts: ${ALERT_TOPIC.purpose}`.slice(0, 100),
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));
  }
}
