/**
 * The resource catalogue: every table, queue, topic, function, schedule and alarm of Shelfwatch,
 * declared once. The CDK stack (`infra/`) and the local runtime (`local/`) both read this folder;
 * neither declares a resource of its own. Change a resource here and both follow.
 *
 * Everything in this folder is plain data (no CDK or SDK types), so it can be imported by Lambda
 * code, the CLI and tests without pulling in aws-cdk-lib.
 *
 * One file per kind of resource; other folders import this index only.
 */

export * from './alarms.ts';
export * from './buckets.ts';
export * from './event-bus.ts';
export * from './functions.ts';
export * from './metrics.ts';
export * from './names.ts';
export * from './queues.ts';
export * from './schedules.ts';
export * from './tables.ts';
export * from './topics.ts';
