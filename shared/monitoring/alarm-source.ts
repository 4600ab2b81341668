/**
 * Where the API learns which alarms are in state ALARM, for the monitor page and the CLI.
 *
 * - deployed: CloudWatch DescribeAlarms (AlarmNamePrefix `shelfwatch-<stage>-`, StateValue ALARM).
 *   Where the states cannot be read, the API answers `available: false` (UNAVAILABLE_ALARM_SOURCE)
 *   rather than pretending nothing fires.
 * - local: the alarms the local runtime evaluates from the same catalogue (local/alarm-evaluator.ts).
 */
import { type CloudWatchClient, DescribeAlarmsCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { type AlarmDeclaration, alarmName, ALARMS, type Severity } from '../catalogue/index.ts';

export interface FiringAlarm {
  /** The deployed name: `shelfwatch-<stage>-<alarm>`. */
  readonly name: string;
  /** The catalogue's name, e.g. `HighDeadLetters`. */
  readonly alarm: string;
  readonly severity: Severity;
  readonly description: string;
  /** docs/runbooks/<runbook>.md */
  readonly runbook: string;
}

export interface AlarmSource {
  /** False when this deployment cannot read alarm states: the page says so instead of "none". */
  readonly available: boolean;
  firing(): Promise<FiringAlarm[]>;
}

export const UNAVAILABLE_ALARM_SOURCE: AlarmSource = {
  available: false,
  firing: () => Promise.resolve([]),
};

/** Describes a catalogue alarm of `stage` as firing. */
export function firingAlarmOf(
  stage: string,
  alarm: string,
  declarations: Readonly<Record<string, AlarmDeclaration>> = ALARMS,
): FiringAlarm | undefined {
  const declaration = declarations[alarm];
  if (!declaration) return undefined;
  const { severity, description, runbook } = declaration;
  return { name: alarmName(stage, alarm), alarm, severity, description, runbook };
}

/**
 * A deployed stack's alarms in ALARM, from CloudWatch: DescribeAlarms of this stage's prefix,
 * state ALARM, every page. Names outside the catalogue (hand-made alarms sharing the prefix) are
 * left out: the page links each alarm to its runbook.
 */
export function cloudWatchAlarmSource(
  stage: string,
  cloudwatch: Pick<CloudWatchClient, 'send'>,
  declarations: Readonly<Record<string, AlarmDeclaration>> = ALARMS,
): AlarmSource {
  const prefix = alarmName(stage, '');
  return {
    available: true,
    async firing() {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            StateValue: StateValue.ALARM,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (alarm.AlarmName?.startsWith(prefix)) names.push(alarm.AlarmName.slice(prefix.length));
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return names.sort().flatMap((alarm) => firingAlarmOf(stage, alarm, declarations) ?? []);
    },
  };
}
