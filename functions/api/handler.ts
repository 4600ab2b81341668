/**
 * API: API Gateway HTTP API (payload 2.0) → the Hono app of shared/api. Authentication,
 * validation and every rule live there; this file only wires the environment and the logger.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { createApi, createApiDependencies } from '../../shared/api/index.ts';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { cloudWatchAlarmSource } from '../../shared/monitoring/alarm-source.ts';
import { EventBridgeSummaryPublisher } from '../../shared/results/index.ts';

const logger = new Logger({ serviceName: 'shelfwatch-api' });
const clients = createAwsClients();
const resources = resourceEnvironment();
const summaries = resources.eventBusName
  ? new EventBridgeSummaryPublisher({ events: clients.events, busName: resources.eventBusName })
  : undefined;
const app = createApi(
  createApiDependencies(resources, clients, {
    logError: (message, details) => logger.error(message, details),
    alarmSource: cloudWatchAlarmSource(resources.stage, clients.cloudwatch),
    // A worker's finished run gets the same summary event as the scraper's; a lost event is logged.
    ...(summaries
      ? {
          onRunFinished: (run) =>
            summaries.publish(run).catch((error: unknown) => {
              logger.error('summary event not published', { runId: run.runId, error: String(error) });
            }),
        }
      : {}),
  }),
);

export const handler = handle(app);
