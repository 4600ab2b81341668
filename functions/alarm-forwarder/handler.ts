import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { ALARM_WEBHOOK_SECRET_VARIABLE, MissingResourceError } from '../../shared/aws/index.ts';
import { AlarmForwarder } from '../../shared/monitoring/index.ts';

const secretName = process.env[ALARM_WEBHOOK_SECRET_VARIABLE];
const forwarder = secretName
  ? new AlarmForwarder({ secrets: new SecretsManagerClient({}), secretName })
  : undefined;

/** SNS (alarm topics) → chat webhook. Subscribed only when a webhook secret is configured. */
export const handler = async (event: SNSEvent): Promise<{ forwarded: number }> => {
  if (!forwarder) throw new MissingResourceError(ALARM_WEBHOOK_SECRET_VARIABLE, 'The alarm webhook secret');
  const forwarded = await forwarder.forward(
    event.Records.map((record) => ({
      subject: record.Sns.Subject ?? undefined,
      message: record.Sns.Message,
    })),
  );
  return { forwarded };
};
