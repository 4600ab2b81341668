import {
  ALARM_WEBHOOK_SECRET_VARIABLE,
  ALERT_TOPIC_VARIABLE,
  ATHENA_WORKGROUP_VARIABLE,
  GLUE_DATABASE_VARIABLE,
  bucketVariable,
  deadLetterQueueUrlVariable,
  EVENT_BUS_VARIABLE,
  httpQueueUrlVariable,
  queueUrlVariable,
  STAGE_VARIABLE,
  tableVariable,
  topicArnVariable,
  WEBHOOK_DLQ_URL_VARIABLE,
  WEBHOOK_QUEUE_URL_VARIABLE,
} from '../../../shared/aws/index.ts';
import {
  athenaWorkgroupName,
  type BucketName,
  type FunctionDeclaration,
  type FunctionName,
  glueDatabaseName,
  METRIC_NAMESPACE,
  type TableName,
} from '../../../shared/catalogue/index.ts';
import { WEB_ROOT_VARIABLE } from '../../../shared/api/web-page-files.ts';
import { SCRAPER_VARIABLES } from '../../../shared/scraping/scraper-config.ts';
import { EXPANDER_CATCH_UP_HOURS_VARIABLE } from '../../../shared/expansion/settings.ts';
import { CHANGE_RETENTION_DAYS_VARIABLE } from '../../../shared/changes/settings.ts';
import { ITEM_RETENTION_DAYS_VARIABLE } from '../../../shared/results/settings.ts';
import { RUN_RETENTION_DAYS_VARIABLE } from '../../../shared/runs/settings.ts';
import { CHROMIUM_BIN, lambdaPathOf, WEB_PAGE } from './bundling.ts';
import type { FunctionsProps } from './functions.ts';

/**
 * A function's environment variables (the contract of shared/aws/environment.ts): the settings
 * every function gets, and a variable for each resource its catalogue entry names, and no other,
 * so a function cannot find a resource it was not granted.
 */
export function environmentOf(
  name: FunctionName,
  declaration: FunctionDeclaration,
  props: FunctionsProps,
): Record<string, string> {
  return {
    [STAGE_VARIABLE]: props.stage,
    [RUN_RETENTION_DAYS_VARIABLE]: String(props.runRetentionDays),
    [ITEM_RETENTION_DAYS_VARIABLE]: String(props.itemRetentionDays),
    [CHANGE_RETENTION_DAYS_VARIABLE]: String(props.changeRetentionDays),
    [EXPANDER_CATCH_UP_HOURS_VARIABLE]: String(props.expanderCatchUpHours),
    POWERTOOLS_SERVICE_NAME: `shelfwatch-${name}`,
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    ...resourceVariables(declaration, props),
    ...bundledFolderVariables(declaration),
    ...secretAndScraperVariables(declaration, props),
    NODE_OPTIONS: '--enable-source-maps',
  };
}

function resourceVariables(declaration: FunctionDeclaration, props: FunctionsProps): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const table of Object.keys(declaration.tables) as TableName[]) {
    variables[tableVariable(table)] = props.tables.byName[table].tableName;
  }
  const { sendsTo, consumes, inspectsQueues, pullsFrom = [], redrivesFrom = [] } = declaration;
  const { consumesHttp = [] } = declaration;
  for (const priority of new Set([...sendsTo, ...consumes, ...inspectsQueues, ...pullsFrom])) {
    variables[queueUrlVariable(priority)] = props.queues.byPriority[priority].queue.queueUrl;
  }
  for (const priority of new Set([...sendsTo, ...consumesHttp, ...inspectsQueues])) {
    variables[httpQueueUrlVariable(priority)] = props.queues.byPriority[priority].httpQueue.queueUrl;
  }
  for (const priority of new Set([...inspectsQueues, ...redrivesFrom])) {
    variables[deadLetterQueueUrlVariable(priority)] =
      props.queues.byPriority[priority].deadLetterQueue.queueUrl;
  }
  for (const severity of declaration.publishesTo) {
    variables[topicArnVariable(severity)] = props.topics.bySeverity[severity].topicArn;
  }
  for (const bucket of bucketsOf(declaration)) {
    variables[bucketVariable(bucket)] = props.buckets.byName[bucket].bucketName;
  }
  if (declaration.queriesHistory) {
    variables[ATHENA_WORKGROUP_VARIABLE] = athenaWorkgroupName(props.stage);
    variables[GLUE_DATABASE_VARIABLE] = glueDatabaseName(props.stage);
  }
  if (declaration.publishesRunEvents) variables[EVENT_BUS_VARIABLE] = props.runEvents.bus.eventBusName;
  if (declaration.publishesAlerts) variables[ALERT_TOPIC_VARIABLE] = props.alerts.topic.topicArn;
  if (declaration.enqueuesWebhooks || declaration.deliversWebhooks) {
    variables[WEBHOOK_QUEUE_URL_VARIABLE] = props.webhookQueues.queue.queueUrl;
  }
  if (declaration.deliversWebhooks) {
    variables[WEBHOOK_DLQ_URL_VARIABLE] = props.webhookQueues.deadLetterQueue.queueUrl;
  }
  return variables;
}

/** The buckets a function is told about: those it writes, the history's writer and readers. */
function bucketsOf(declaration: FunctionDeclaration): BucketName[] {
  return [
    ...new Set<BucketName>([
      ...(declaration.writesTo ?? []),
      ...(declaration.writesHistory || declaration.compactsHistory ? (['history'] as const) : []),
      ...(declaration.queriesHistory ? (['history', 'athenaResults'] as const) : []),
    ]),
  ];
}

/** Where the folders shipped beside the bundle (bundling.ts) are found at run time. */
function bundledFolderVariables(declaration: FunctionDeclaration): Record<string, string> {
  return {
    ...(declaration.bundlesChromium
      ? { [SCRAPER_VARIABLES.chromiumBinPath]: lambdaPathOf(CHROMIUM_BIN) }
      : {}),
    ...(declaration.servesWebPage ? { [WEB_ROOT_VARIABLE]: lambdaPathOf(WEB_PAGE) } : {}),
  };
}

/** Secret names (never their values) and the scraper's optional settings, when configured. */
function secretAndScraperVariables(
  declaration: FunctionDeclaration,
  props: FunctionsProps,
): Record<string, string> {
  const variables: Record<string, string> = {};
  if (declaration.forwardsAlarms && props.alarmWebhookSecretName) {
    variables[ALARM_WEBHOOK_SECRET_VARIABLE] = props.alarmWebhookSecretName;
  }
  if (declaration.scrapesPages) {
    if (props.proxySecretName) variables[SCRAPER_VARIABLES.proxySecretName] = props.proxySecretName;
    if (props.scraperUserAgents) variables[SCRAPER_VARIABLES.userAgents] = props.scraperUserAgents;
  }
  return variables;
}
