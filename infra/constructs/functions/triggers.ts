import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  type FunctionDeclaration,
  QUEUES,
  streamsConsumedBy,
  WEBHOOK_QUEUE,
} from '../../../shared/catalogue/index.ts';
import type { FunctionsProps } from './functions.ts';

/**
 * What invokes a function besides schedules and the HTTP API: one event source mapping per
 * consumed queue, browser or HTTP (each grants receive, delete and change-visibility on its queue
 * only), the webhooks queue for the webhook sender, one per consumed table stream (each grants the
 * stream reads, and SendMessage on its failure
 * queue), and the alarm topics for the forwarder when a chat webhook is configured.
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
  if (declaration.deliversWebhooks) {
    fn.addEventSource(
      new SqsEventSource(props.webhookQueues.queue, {
        batchSize: WEBHOOK_QUEUE.batchSize,
        maxConcurrency: WEBHOOK_QUEUE.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
  for (const stream of streamsConsumedBy(declaration)) {
    fn.addEventSource(
      new DynamoEventSource(props.tables.byName[stream.table], {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: stream.batchSize,
        maxBatchingWindow: Duration.seconds(stream.maxBatchingWindowSeconds),
        retryAttempts: stream.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(props.failureQueues.byName[stream.failureQueue]),
        // Only the events the catalogue names invoke the function (e.g. no TTL removals).
        filters: [FilterCriteria.filter({ eventName: FilterRule.or(...stream.eventNames) })],
      }),
    );
  }
  if (declaration.forwardsAlarms && props.alarmWebhookSecretName) {
    for (const topic of Object.values(props.topics.bySeverity))
      topic.addSubscription(new LambdaSubscription(fn));
  }
}
