import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { AlarmForwarder } from '../../shared/monitoring/index.ts';

const secretName = process.env.SHELFWATCH_ALARM_WEBHOOK_SECRET_NAME;
const forwarder = secretName
  ? new AlarmForwarder({ secrets: new SecretsManagerClient({}), secretName })
  : undefined;

/** SNS (alarm topics) → chat webhook. Subscribed only when a webhook secret is configured. */
export const handler = async (event: SNSEvent): Promise<{ forwarded: number }> => {
  if (!forwarder) throw new Error('SHELFWATCH_ALARM_WEBHOOK_SECRET_NAME is not set: nothing to forward to');
  const forwarded = await forwarder.forward(
    event.Records.map((record) => ({
      subject: record.Sns.Subject ?? undefined,
      message: record.Sns.Message,
    })),
  );
  return { forwarded };
};
