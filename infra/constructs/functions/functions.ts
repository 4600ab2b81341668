import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  FUNCTIONS,
  type FunctionDeclaration,
  type FunctionName,
  resourceName,
} from '../../../shared/catalogue/index.ts';
import { type Priority } from '../../../shared/definitions/index.ts';
import type { AlarmTopics } from '../alarm-topics.ts';
import type { AlertTopic } from '../alert-topic.ts';
import type { Buckets } from '../buckets.ts';
import type { FailureQueues, RunQueues, WebhookQueues } from '../queues.ts';
import type { RunEvents } from '../run-events.ts';
import type { Tables } from '../tables.ts';
import { bundlingOf, REPOSITORY_ROOT } from './bundling.ts';
import { environmentOf } from './environment.ts';
import { ExecutionRole } from './execution-role.ts';
import { grantDeclaredAccess } from './grants.ts';
import { FunctionLogGroup } from './log-group.ts';
import { connectTriggers } from './triggers.ts';
import type { RemovalPolicyName } from '../../config.ts';

export interface FunctionsProps {
  /** The stage: prefixes every function name and is passed to each function (SHELFWATCH_STAGE). */
  readonly stage: string;
  /** Days each function's logs are kept; a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /** Days a finished run is kept before DynamoDB TTL removes it (SHELFWATCH_RUN_RETENTION_DAYS). */
  readonly runRetentionDays: number;
  /** Days an item snapshot is kept (SHELFWATCH_ITEM_RETENTION_DAYS). */
  readonly itemRetentionDays: number;
  /** Days a change and an unseen item's state are kept (SHELFWATCH_CHANGE_RETENTION_DAYS). */
  readonly changeRetentionDays: number;
  /** How many past hourly slots the expander catches up (SHELFWATCH_EXPANDER_CATCH_UP_HOURS). */
  readonly expanderCatchUpHours: number;
  /** `retain` keeps the log groups when the stack is deleted; `destroy` deletes them. */
  readonly removalPolicy: RemovalPolicyName;
  /** Maximum concurrency of each queue's event source mapping: high is never starved by low. */
  readonly maxConcurrency: Record<Priority, number>;
  /** The catalogue's tables; a function gets the access its entry names. */
  readonly tables: Tables;
  /** The run queues and their DLQs. */
  readonly queues: RunQueues;
  /** The on-failure destinations of stream event source mappings. */
  readonly failureQueues: FailureQueues;
  /** The webhooks queue (deliveries of fired rules) and its DLQ. */
  readonly webhookQueues: WebhookQueues;
  /**
   * Ids of the deployment's webhooks: the sender may read `shelfwatch/<stage>/webhooks/<id>` of
   * these only.
   */
  readonly webhookIds: readonly string[];
  /** The alarm topics (and their key) functions publish to or forward from. */
  readonly topics: AlarmTopics;
  /** The alerts topic (fired watch rules) functions publish to. */
  readonly alerts: AlertTopic;
  /** The catalogue's buckets. */
  readonly buckets: Buckets;
  /** The bus of run-summary events. */
  readonly runEvents: RunEvents;
  /**
   * Secrets Manager name of the chat webhook; the alarm forwarder reads it and is subscribed to
   * the alarm topics.
   * @default - no chat webhook: the forwarder is deployed but nothing invokes it
   */
  readonly alarmWebhookSecretName?: string | undefined;
  /**
   * Secrets Manager name of the scraper's proxy settings.
   * @default - no proxy: the scraper connects directly
   */
  readonly proxySecretName?: string | undefined;
  /**
   * JSON array of user agents the scraper rotates through (config.ts checks its shape).
   * @default - the scraper's own user agents
   */
  readonly scraperUserAgents?: string | undefined;
}

/**
 * Every Lambda of the catalogue, each with its own log group and role holding exactly the grants
 * its catalogue entry names (tables, queues, topics, buckets, secrets), on specific ARNs.
 */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const entries = (Object.entries(FUNCTIONS) as [FunctionName, FunctionDeclaration][]).map(
      ([name, declaration]) => [name, this.createFunction(name, declaration, props)] as const,
    );
    this.byName = Object.fromEntries(entries) as Record<FunctionName, NodejsFunction>;
  }

  // Ids stay `<name>`, `<name>-logs`, `<name>-role` in this scope: logical ids of deployed stacks keep.
  private createFunction(name: FunctionName, declaration: FunctionDeclaration, props: FunctionsProps) {
    const functionName = resourceName(props.stage, name);
    const logGroup = new FunctionLogGroup(this, `${name}-logs`, {
      functionName,
      retentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const role = new ExecutionRole(this, `${name}-role`, {
      stage: props.stage,
      functionName: name,
      purpose: declaration.purpose,
      logGroup,
    });
    const fn = new NodejsFunction(this, name, {
      functionName,
      description: declaration.purpose,
      entry: path.join(REPOSITORY_ROOT, declaration.entry),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: declaration.architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: environmentOf(name, declaration, props),
      bundling: bundlingOf(declaration),
    });
    grantDeclaredAccess({ scope: this, name, declaration, role }, props);
    connectTriggers(fn, declaration, props);
    return fn;
  }
}
