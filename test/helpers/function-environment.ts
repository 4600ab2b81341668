/**
 * The environment CDK gives one function: only the variables of the resources the catalogue
 * grants it. Mirrors `resourceVariables` in infra/constructs/functions/environment.ts (tables it
 * may touch; run queues, browser and HTTP, it sends to, consumes, inspects or pulls from; DLQs it
 * inspects or redrives; topics; buckets, the history's included; Athena and Glue for the history's
 * readers; the run events bus; the alerts topic; the webhooks queue and its DLQ), with values
 * taken from a local stage's full environment. test/infra/stack.test.ts holds the two equal.
 */
import {
  ALERT_TOPIC_VARIABLE,
  ATHENA_WORKGROUP_VARIABLE,
  bucketVariable,
  deadLetterQueueUrlVariable,
  EVENT_BUS_VARIABLE,
  GLUE_DATABASE_VARIABLE,
  httpQueueUrlVariable,
  queueUrlVariable,
  STAGE_VARIABLE,
  tableVariable,
  topicArnVariable,
  WEBHOOK_DLQ_URL_VARIABLE,
  WEBHOOK_QUEUE_URL_VARIABLE,
} from '../../shared/aws/index.ts';
import {
  type BucketName,
  type FunctionDeclaration,
  FUNCTIONS,
  type FunctionName,
  type TableName,
} from '../../shared/catalogue/index.ts';

/** Variable names CDK sets for resources, derived from the function's grants. */
export function grantedVariables(name: FunctionName): string[] {
  const declaration: FunctionDeclaration = FUNCTIONS[name];
  const {
    sendsTo,
    consumes,
    inspectsQueues,
    pullsFrom = [],
    redrivesFrom = [],
    consumesHttp = [],
  } = declaration;
  const queues = new Set([...sendsTo, ...consumes, ...inspectsQueues, ...pullsFrom]);
  const httpQueues = new Set([...sendsTo, ...consumesHttp, ...inspectsQueues]);
  const deadLetterQueues = new Set([...inspectsQueues, ...redrivesFrom]);
  const buckets = new Set<BucketName>([
    ...(declaration.writesTo ?? []),
    ...(declaration.writesHistory || declaration.compactsHistory ? (['history'] as const) : []),
    ...(declaration.queriesHistory ? (['history', 'athenaResults'] as const) : []),
  ]);
  return [
    STAGE_VARIABLE,
    ...(Object.keys(declaration.tables) as TableName[]).map(tableVariable),
    ...[...queues].map(queueUrlVariable),
    ...[...httpQueues].map(httpQueueUrlVariable),
    ...[...deadLetterQueues].map(deadLetterQueueUrlVariable),
    ...declaration.publishesTo.map(topicArnVariable),
    ...[...buckets].map(bucketVariable),
    ...(declaration.queriesHistory ? [ATHENA_WORKGROUP_VARIABLE, GLUE_DATABASE_VARIABLE] : []),
    ...(declaration.publishesRunEvents ? [EVENT_BUS_VARIABLE] : []),
    ...(declaration.publishesAlerts ? [ALERT_TOPIC_VARIABLE] : []),
    ...(declaration.enqueuesWebhooks || declaration.deliversWebhooks ? [WEBHOOK_QUEUE_URL_VARIABLE] : []),
    ...(declaration.deliversWebhooks ? [WEBHOOK_DLQ_URL_VARIABLE] : []),
  ];
}

/**
 * `full` (every resource of a local stage) cut down to what CDK gives the function; AWS_* (region,
 * credentials, emulator endpoints) are kept: Lambda's runtime sets those.
 */
export function grantedEnvironment(
  name: FunctionName,
  full: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  const granted = new Set(grantedVariables(name));
  return Object.fromEntries(
    Object.entries(full).filter(([variable]) => granted.has(variable) || variable.startsWith('AWS_')),
  );
}
