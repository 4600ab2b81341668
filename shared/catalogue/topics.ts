/** The alarm topics, one per severity. */
export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TOPICS = {
  critical: { purpose: 'Alarms that page on-call: the pipeline has stopped or is losing work.' },
  warning: { purpose: 'Alarms for working hours: degraded quality, backlogs, daily report summaries.' },
} as const satisfies Record<Severity, { purpose: string }>;

/**
 * The topic fired watch rules go to (rules with `delivery.sns`): for people and systems that
 * subscribe to alerts, not for on-call. Encrypted with the alarm topics' key.
 */
export const ALERT_TOPIC = {
  name: 'alerts',
  purpose: 'Fired watch rules (price below, back in stock, entered top N...), one message per firing.',
} as const;
