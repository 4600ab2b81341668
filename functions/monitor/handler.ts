/**
 * Monitor: invoked every 5 minutes by EventBridge Scheduler. Measures, repairs, emits EMF
 * metrics and one structured log line. Logic: shared/monitoring/monitor.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import {
  createMetrics,
  createMonitor,
  type MonitorReport,
  publishDatapoints,
} from '../../shared/monitoring/index.ts';
import { createStores } from '../../shared/stores/index.ts';

const resources = resourceEnvironment();
const clients = createAwsClients();
const monitor = createMonitor(createStores(resources, clients), resources, clients);
const logger = new Logger({ serviceName: 'shelfwatch-monitor' });
const metrics = createMetrics(resources.stage);

const eventSchema = z.object({ source: z.literal('shelfwatch.schedule'), schedule: z.literal('monitor') });

export const handler = async (event: unknown): Promise<MonitorReport> => {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw ValidationError.fromZod('monitor event', parsed.error);
  const report = await monitor.tick(Date.now());
  publishDatapoints(metrics, report.metrics);
  for (const runId of report.requeued) logger.warn('re-queued a run whose lease expired', { runId });
  for (const runId of report.markedDeadLettered)
    logger.warn('marked a run DEAD_LETTERED (its message is in a DLQ)', { runId });
  const { metrics: _datapoints, ...summary } = report;
  logger.info('monitor tick', { ...summary });
  return report;
};
