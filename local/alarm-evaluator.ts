/**
 * Evaluates the catalogue's alarms the way CloudWatch does, for the local runtime: the same
 * declarations CDK deploys, fed with the same metrics (parsed from the functions' EMF output,
 * or sampled from the local queues).
 *
 * For each of the last `evaluationPeriods` complete periods the samples are aggregated with
 * the alarm's statistic; a period without samples counts as breaching or not as the alarm's
 * `treatMissingData` says; the alarm is in ALARM when at least `datapointsToAlarm` periods
 * breach, otherwise OK.
 */
import {
  type AlarmDeclaration,
  type AlarmMetric,
  ALARMS,
  METRIC_NAMESPACE,
  METRIC_SERVICE,
} from '../shared/catalogue/index.ts';
import { type AlarmSource, firingAlarmOf } from '../shared/monitoring/index.ts';

export interface Sample {
  readonly atMs: number;
  readonly value: number;
}

export type AlarmState = 'OK' | 'ALARM';

export interface AlarmEvaluation {
  readonly state: AlarmState;
  /** Aggregated value per evaluated period, oldest first (undefined: no data). */
  readonly periods: (number | undefined)[];
  readonly breaching: number;
}

export interface AlarmTransition {
  readonly alarm: string;
  readonly from: AlarmState | undefined;
  readonly to: AlarmState;
  readonly atMs: number;
  readonly declaration: AlarmDeclaration;
}

/** Key under which samples of an alarm's metric are recorded. */
export function metricKey(metric: AlarmMetric): string {
  switch (metric.kind) {
    case 'custom':
      return `custom:${metric.name}`;
    case 'queue':
      return `queue:${metric.priority}:${metric.deadLetter ? 'dlq' : (metric.mode ?? 'browser') === 'http' ? 'http' : 'queue'}:${metric.name}`;
    case 'function':
      return `function:${metric.function}:${metric.name}`;
    case 'failureQueue':
      return `failure-queue:${metric.queue}:${metric.name}`;
    case 'webhookQueue':
      return `webhook-queue:${metric.deadLetter ? 'dlq' : 'queue'}:${metric.name}`;
  }
}

export function aggregate(
  values: readonly number[],
  statistic: AlarmMetric['statistic'],
): number | undefined {
  if (values.length === 0) return undefined;
  switch (statistic) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'p99': {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
    }
  }
}

function breaches(declaration: AlarmDeclaration, value: number): boolean {
  switch (declaration.comparison) {
    case 'GreaterThanThreshold':
      return value > declaration.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= declaration.threshold;
    case 'LessThanThreshold':
      return value < declaration.threshold;
  }
}

export function evaluateAlarm(
  declaration: AlarmDeclaration,
  samples: readonly Sample[],
  nowMs: number,
): AlarmEvaluation {
  const periodMs = declaration.periodSeconds * 1000;
  const end = Math.floor(nowMs / periodMs) * periodMs;
  const periods: (number | undefined)[] = [];
  for (let index = declaration.evaluationPeriods; index >= 1; index -= 1) {
    const from = end - index * periodMs;
    const values = samples.filter((s) => s.atMs >= from && s.atMs < from + periodMs).map((s) => s.value);
    periods.push(aggregate(values, declaration.metric.statistic));
  }
  const breaching = periods.filter((value) =>
    value === undefined ? declaration.treatMissingData === 'breaching' : breaches(declaration, value),
  ).length;
  return { state: breaching >= declaration.datapointsToAlarm ? 'ALARM' : 'OK', periods, breaching };
}

interface EmfDocument {
  readonly _aws?: {
    readonly Timestamp?: number;
    readonly CloudWatchMetrics?: readonly {
      readonly Namespace?: string;
      readonly Dimensions?: readonly (readonly string[])[];
      readonly Metrics?: readonly { readonly Name: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/** Alarm states of one stage, kept from samples as they arrive. */
export class LocalAlarms {
  private readonly stage: string;
  private readonly alarms: Readonly<Record<string, AlarmDeclaration>>;
  private readonly samples = new Map<string, Sample[]>();
  private readonly states = new Map<string, AlarmState>();
  /** Samples older than this are dropped (the longest alarm window, with margin). */
  private readonly retentionMs: number;

  /** Alarms whose evaluation window starts before this are not evaluated yet (no history). */
  private readonly startedAtMs: number;

  constructor(
    stage: string,
    alarms: Readonly<Record<string, AlarmDeclaration>> = ALARMS,
    { startedAtMs = Number.NEGATIVE_INFINITY }: { startedAtMs?: number } = {},
  ) {
    this.stage = stage;
    this.alarms = alarms;
    this.startedAtMs = startedAtMs;
    this.retentionMs =
      2 *
      Math.max(...Object.values(alarms).map((alarm) => alarm.periodSeconds * alarm.evaluationPeriods)) *
      1000;
  }

  record(key: string, sample: Sample): void {
    const list = this.samples.get(key) ?? [];
    list.push(sample);
    const horizon = sample.atMs - this.retentionMs;
    this.samples.set(
      key,
      list.filter((s) => s.atMs >= horizon),
    );
  }

  /**
   * Reads one line of a function's output; records the metrics of an EMF document of this
   * stage with exactly the standard dimensions (the series the alarms watch). Other lines are
   * ignored. Returns how many samples were recorded.
   */
  ingestLogLine(line: string): number {
    let document: EmfDocument;
    try {
      document = JSON.parse(line) as EmfDocument;
    } catch {
      return 0;
    }
    const directive = document._aws?.CloudWatchMetrics?.[0];
    if (!directive || directive.Namespace !== METRIC_NAMESPACE) return 0;
    const dimensions = directive.Dimensions?.[0] ?? [];
    const standard =
      dimensions.length === 2 && dimensions.includes('service') && dimensions.includes('Stage');
    if (!standard || document.Stage !== this.stage || document.service !== METRIC_SERVICE) return 0;
    const atMs = document._aws?.Timestamp ?? Date.now();
    let recorded = 0;
    for (const { Name } of directive.Metrics ?? []) {
      for (const value of [document[Name]].flat()) {
        if (typeof value !== 'number') continue;
        this.record(`custom:${Name}`, { atMs, value });
        recorded += 1;
      }
    }
    return recorded;
  }

  /** Evaluates every alarm; returns those whose state changed (the first evaluation included). */
  evaluate(nowMs: number): AlarmTransition[] {
    const transitions: AlarmTransition[] = [];
    for (const [alarm, declaration] of Object.entries(this.alarms)) {
      const periodMs = declaration.periodSeconds * 1000;
      const windowStart = Math.floor(nowMs / periodMs) * periodMs - declaration.evaluationPeriods * periodMs;
      if (windowStart < this.startedAtMs) continue; // not enough history: like INSUFFICIENT_DATA
      const { state } = evaluateAlarm(
        declaration,
        this.samples.get(metricKey(declaration.metric)) ?? [],
        nowMs,
      );
      const previous = this.states.get(alarm);
      if (previous !== state)
        transitions.push({ alarm, from: previous, to: state, atMs: nowMs, declaration });
      this.states.set(alarm, state);
    }
    return transitions;
  }

  samplesOf(key: string): readonly Sample[] {
    return this.samples.get(key) ?? [];
  }

  stateOf(alarm: string): AlarmState | undefined {
    return this.states.get(alarm);
  }

  /** Alarms currently in ALARM. */
  firing(): string[] {
    return [...this.states].filter(([, state]) => state === 'ALARM').map(([alarm]) => alarm);
  }
}

/** The alarms the local runtime's evaluator has in ALARM. */
export function localAlarmSource(
  stage: string,
  alarms: Pick<LocalAlarms, 'firing'>,
  declarations: Readonly<Record<string, AlarmDeclaration>> = ALARMS,
): AlarmSource {
  return {
    available: true,
    firing: () =>
      Promise.resolve(
        alarms
          .firing()
          .sort()
          .flatMap((alarm) => firingAlarmOf(stage, alarm, declarations) ?? []),
      ),
  };
}
