/** The alarm topics, one per severity. */
export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TOPICS = {
  critical: { purpose: 'Alarms that page on-call: the pipeline has stopped or is losing work.' },
  warning: { purpose: 'Alarms for working hours: degraded quality, backlogs, daily report summaries.' },
} as const satisfies Record<Severity, { purpose: string }>;
