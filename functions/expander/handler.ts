/**
 * Expander: invoked every hour by EventBridge Scheduler (or by an operator with
 * `{ "action": "expandSlot", "slot": "2026-11-23T19:00Z" }`). Logic: shared/expansion.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import {
  createExpander,
  type ExpansionReport,
  parseExpanderEvent,
  readExpansionSettings,
  type SlotReport,
} from '../../shared/expansion/index.ts';
import { createMetrics, MetricUnit } from '../../shared/monitoring/index.ts';
import { createStores } from '../../shared/stores/index.ts';

const resources = resourceEnvironment();
const clients = createAwsClients();
const expander = createExpander(
  createStores(resources, clients),
  resources,
  clients,
  readExpansionSettings(),
);
const logger = new Logger({ serviceName: 'shelfwatch-expander' });
const metrics = createMetrics(resources.stage);

export const handler = async (event: unknown): Promise<ExpansionReport | SlotReport> => {
  const request = parseExpanderEvent(event);
  if ('action' in request) {
    const report = await expander.expandSlot(request.slot, Date.now());
    logger.info('slot expanded again on request', { ...report });
    return report;
  }
  const report = await expander.expandDue(Date.now());
  const created = report.slots.reduce((sum, slot) => sum + slot.created, 0);
  metrics.addMetric('RunsCreated', MetricUnit.Count, created);
  metrics.addMetric('SlotsExpanded', MetricUnit.Count, report.slots.length);
  metrics.addMetric('SlotsCaughtUp', MetricUnit.Count, Math.max(0, report.slots.length - 1));
  metrics.addMetric('SlotsSkipped', MetricUnit.Count, report.skippedSlots);
  metrics.addMetric('ExpanderDurationMs', MetricUnit.Milliseconds, report.durationMs);
  if (report.complete) metrics.addMetric('ExpanderHeartbeat', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  if (report.skippedSlots > 0) {
    logger.warn('slots older than the catch-up window were skipped', {
      skippedSlots: report.skippedSlots,
      skippedFrom: report.skippedFrom,
      skippedTo: report.skippedTo,
    });
  }
  if (!report.complete) {
    logger.error('expansion incomplete: unsent runs stay PENDING and are sent on the next firing', {
      ...report,
    });
    throw new Error(`expansion incomplete at slot ${report.slots.at(-1)?.slot ?? '?'}`);
  }
  logger.info('expansion finished', { ...report, runsCreated: created });
  return report;
};
