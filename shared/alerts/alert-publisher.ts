/**
 * Fired rules to the alerts topic: one SNS message per firing, its JSON body the firing (versioned)
 * with a `firingId` a subscriber de-duplicates on (delivery is at-least-once). Message attributes
 * carry the rule id and change kind, for SNS subscription filter policies.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Firing } from '../rules/index.ts';
import { firingIdOf } from './firing-deliveries.ts';

export interface AlertMessage extends Firing {
  readonly v: 1;
  /** `<ruleId>#<itemKey>#<changeId>`: the same firing always has the same id. */
  readonly firingId: string;
}

/** The delivery fields written beside a stored firing are not part of the message. */
export function alertMessageOf(firing: Firing): AlertMessage {
  const {
    snsPublishedAt: _sns,
    webhooksSentAt: _webhooks,
    ...fields
  } = firing as Firing & {
    snsPublishedAt?: string;
    webhooksSentAt?: string;
    sk?: string;
    expiresAt?: number;
  };
  const { sk: _sk, expiresAt: _expiresAt, ...plain } = fields;
  return { v: 1, firingId: firingIdOf(firing), ...plain };
}

/** The subject e-mail subscribers see (SNS allows 100 characters). */
export const alertSubjectOf = (firing: Firing): string =>
  `Shelfwatch: ${firing.ruleName} (${firing.itemId})`.replace(/[\r\n]+/g, ' ').slice(0, 100);

export class SnsAlertPublisher {
  private readonly sns: SNSClient;
  private readonly topicArn: string;

  constructor(options: { sns: SNSClient; topicArn: string }) {
    this.sns = options.sns;
    this.topicArn = options.topicArn;
  }

  async publish(firing: Firing): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alertSubjectOf(firing),
        Message: JSON.stringify(alertMessageOf(firing)),
        MessageAttributes: {
          ruleId: { DataType: 'String', StringValue: firing.ruleId },
          changeKind: { DataType: 'String', StringValue: firing.changeKind },
        },
      }),
    );
  }
}
