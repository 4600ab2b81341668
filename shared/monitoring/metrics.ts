/**
 * Shelfwatch's custom metrics: Powertools Metrics (EMF in the function's log), namespace and
 * dimensions from the catalogue, so the alarms CDK creates select exactly these series.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricDatum } from './monitor.ts';

export { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../catalogue/index.ts';

export function createMetrics(stage: string): Metrics {
  return new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: METRIC_SERVICE,
    defaultDimensions: { Stage: stage },
  });
}

const UNITS = {
  Count: MetricUnit.Count,
  Percent: MetricUnit.Percent,
  None: MetricUnit.NoUnit,
  Milliseconds: MetricUnit.Milliseconds,
} as const;

/**
 * Publishes datapoints: those with only the standard dimensions in one EMF document, each
 * with extra dimensions (crawl type, platform, priority) in a document of its own.
 */
export function publishDatapoints(metrics: Metrics, datapoints: readonly MetricDatum[]): void {
  for (const datum of datapoints) {
    if (datum.dimensions && Object.keys(datum.dimensions).length > 0) {
      const single = metrics.singleMetric();
      single.addDimensions({ ...datum.dimensions });
      single.addMetric(datum.name, UNITS[datum.unit], datum.value);
    } else {
      metrics.addMetric(datum.name, UNITS[datum.unit], datum.value);
    }
  }
  metrics.publishStoredMetrics();
}
