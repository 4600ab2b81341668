/** Namespace and dimensions of every custom metric Shelfwatch emits (EMF). */
/** Namespace of every custom metric Shelfwatch emits (EMF). */
export const METRIC_NAMESPACE = 'Shelfwatch';
/** Powertools Metrics always adds a `service` dimension: every Shelfwatch metric uses this one. */
export const METRIC_SERVICE = 'shelfwatch';
/** The dimensions of every custom metric (alarms select on exactly these). */
export const metricDimensions = (stage: string): Record<string, string> => ({
  service: METRIC_SERVICE,
  Stage: stage,
});
