/**
 * The environment CDK gives one function: only the variables of the resources the catalogue
 * grants it. Mirrors `environmentFor` in infra/constructs/functions.ts (tables it may touch;
 * queues it sends to, consumes, inspects or pulls from; DLQs it inspects or redrives; topics;
 * buckets; the run events bus; the webhooks queue and its DLQ), with values taken from a local stage's full environment.
 */
import {
  bucketVariable,
  deadLetterQueueUrlVariable,
  EVENT_BUS_VARIABLE,
  queueUrlVariable,
  STAGE_VARIABLE,
  tableVariable,
  topicArnVariable,
  WEBHOOK_DLQ_URL_VARIABLE,
  WEBHOOK_QUEUE_URL_VARIABLE,
} from '../../shared/aws/index.ts';
import {
  type FunctionDeclaration,
  FUNCTIONS,
  type FunctionName,
  type TableName,
} from '../../shared/catalogue/index.ts';

/** Variable names CDK sets for resources, derived from the function's grants. */
export function grantedVariables(name: FunctionName): string[] {
  const declaration: FunctionDeclaration = FUNCTIONS[name];
  const queues = new Set([
    ...declaration.sendsTo,
    ...declaration.consumes,
    ...declaration.inspectsQueues,
    ...(declaration.pullsFrom ?? []),
  ]);
  const deadLetterQueues = new Set([...declaration.inspectsQueues, ...(declaration.redrivesFrom ?? [])]);
  return [
    STAGE_VARIABLE,
    ...(Object.keys(declaration.tables) as TableName[]).map(tableVariable),
    ...[...queues].map(queueUrlVariable),
    ...[...deadLetterQueues].map(deadLetterQueueUrlVariable),
    ...declaration.publishesTo.map(topicArnVariable),
    ...(declaration.writesTo ?? []).map(bucketVariable),
    ...(declaration.publishesRunEvents ? [EVENT_BUS_VARIABLE] : []),
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
