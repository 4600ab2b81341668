/** The run events bus. */
/** The bus every finished run's summary goes to (`source: shelfwatch`, `detail-type: Run finished`). */
export const RUN_EVENTS_BUS = {
  name: 'runs',
  purpose: 'One summary event per finished run, for downstream consumers (alerts, warehouses).',
  /** Days the bus archive keeps events for replay. */
  archiveRetentionDays: 7,
} as const;
