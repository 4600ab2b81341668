import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PRIORITIES, type Priority } from '../../shared/definitions/index.ts';
import {
  deadLetterQueueName,
  FAILURE_QUEUES,
  type FailureQueueName,
  failureQueueName,
  queueName,
  QUEUES,
  type RunQueueMode,
  WEBHOOK_QUEUE,
  webhookDeadLetterQueueName,
  webhookQueueName,
} from '../../shared/catalogue/index.ts';
import type { RemovalPolicyName } from '../config.ts';
import { acknowledge } from './acknowledge.ts';

/**
 * The queues of one priority: the browser queue, the HTTP queue, and the DLQ messages of both
 * move to after `maxReceiveCount` receives.
 */
export interface RunQueue {
  readonly queue: Queue;
  readonly httpQueue: Queue;
  readonly deadLetterQueue: Queue;
}

export interface QueuesProps {
  /** The stage, part of every queue name. */
  readonly stage: string;
  /** `retain` keeps the queues (and their messages) when the stack is deleted; `destroy` deletes them. */
  readonly removalPolicy: RemovalPolicyName;
}

/** Two queues per priority (browser, HTTP) sharing one DLQ and redrive policy; SSE and TLS enforced. */
export class RunQueues extends Construct {
  readonly byPriority: Record<Priority, RunQueue>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const entries = PRIORITIES.map((priority) => {
      const declaration = QUEUES[priority];
      const deadLetterQueue = new Queue(this, `${priority}-dlq`, {
        queueName: deadLetterQueueName(props.stage, priority),
        retentionPeriod: Duration.seconds(declaration.dlqRetentionSeconds),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy,
      });
      const runQueue = (id: string, mode: RunQueueMode) =>
        new Queue(this, id, {
          queueName: queueName(props.stage, priority, mode),
          visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
          retentionPeriod: Duration.seconds(declaration.retentionSeconds),
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: declaration.maxReceiveCount },
          removalPolicy,
        });
      // The browser queue keeps the id `<priority>`: deployed stacks keep its logical id.
      const queue = runQueue(priority, 'browser');
      const httpQueue = runQueue(`${priority}-http`, 'http');
      return [priority, { queue, httpQueue, deadLetterQueue }] as const;
    });
    this.byPriority = Object.fromEntries(entries) as Record<Priority, RunQueue>;
  }
}

/**
 * The on-failure destinations of stream event source mappings: what Lambda could not process
 * after its retries is described here for on-call. Nothing consumes them; an alarm watches each.
 */
export class FailureQueues extends Construct {
  readonly byName: Record<FailureQueueName, Queue>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const entries = (Object.keys(FAILURE_QUEUES) as FailureQueueName[]).map((name) => {
      const queue = new Queue(this, name, {
        queueName: failureQueueName(props.stage, name),
        retentionPeriod: Duration.seconds(FAILURE_QUEUES[name].retentionSeconds),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy,
      });
      acknowledge(
        queue,
        'AwsSolutions-SQS3',
        'This queue is itself the end of the line: the on-failure destination of a stream event source mapping, read by on-call (alarm and runbook), never by a consumer that could fail.',
      );
      return [name, queue] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<FailureQueueName, Queue>;
  }
}

/** The webhooks queue (deliveries of fired rules) and its DLQ; SSE and TLS enforced, redrive after maxReceiveCount. */
export class WebhookQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.deadLetterQueue = new Queue(this, 'dlq', {
      queueName: webhookDeadLetterQueueName(props.stage),
      retentionPeriod: Duration.seconds(WEBHOOK_QUEUE.dlqRetentionSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy,
    });
    this.queue = new Queue(this, 'queue', {
      queueName: webhookQueueName(props.stage),
      visibilityTimeout: Duration.seconds(WEBHOOK_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(WEBHOOK_QUEUE.retentionSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount },
      removalPolicy,
    });
  }
}
