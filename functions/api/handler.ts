/**
 * API: API Gateway HTTP API (payload 2.0) → the Hono app of shared/api. Authentication,
 * validation and every rule live there; this file only wires the environment and the logger.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { createApi, createApiDependencies } from '../../shared/api/index.ts';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { cloudWatchAlarmSource } from '../../shared/monitoring/index.ts';
import { createStores } from '../../shared/stores/index.ts';

const logger = new Logger({ serviceName: 'shelfwatch-api' });
const clients = createAwsClients();
const resources = resourceEnvironment();
const app = createApi(
  createApiDependencies(createStores(resources, clients), resources, clients, {
    logError: (message, details) => logger.error(message, details),
    alarmSource: cloudWatchAlarmSource(resources.stage, clients.cloudwatch),
  }),
);

export const handler = handle(app);
