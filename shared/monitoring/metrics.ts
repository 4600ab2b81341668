/**
 * Shelfwatch's custom metrics: Powertools Metrics (EMF in the function's log), namespace and
 * dimensions from the catalogue, so the alarms CDK creates select exactly these series.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, METRIC_SERVICE } from '../aws/catalogue.ts';

export { MetricUnit } from '@aws-lambda-powertools/metrics';

export function createMetrics(stage: string): Metrics {
  return new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: METRIC_SERVICE,
    defaultDimensions: { Stage: stage },
  });
}
