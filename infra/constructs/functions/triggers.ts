import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type FunctionDeclaration, QUEUES } from '../../../shared/catalogue/index.ts';
import type { FunctionsProps } from './functions.ts';

/**
 * What invokes a function besides schedules and the HTTP API: one event source mapping per
 * consumed queue, browser or HTTP (each grants receive, delete and change-visibility on its queue only), and the
 * alarm topics for the forwarder when a chat webhook is configured.
 */
export function connectTriggers(
  fn: IFunction,
  declaration: FunctionDeclaration,
  props: FunctionsProps,
): void {
  for (const priority of declaration.consumes) {
    fn.addEventSource(
      new SqsEventSource(props.queues.byPriority[priority].queue, {
        batchSize: QUEUES[priority].batchSize,
        maxConcurrency: props.maxConcurrency[priority],
        reportBatchItemFailures: true,
      }),
    );
  }
  for (const priority of declaration.consumesHttp ?? []) {
    fn.addEventSource(
      new SqsEventSource(props.queues.byPriority[priority].httpQueue, {
        batchSize: QUEUES[priority].batchSize,
        maxConcurrency: QUEUES[priority].httpMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
  if (declaration.forwardsAlarms && props.alarmWebhookSecretName) {
    for (const topic of Object.values(props.topics.bySeverity))
      topic.addSubscription(new LambdaSubscription(fn));
  }
}
