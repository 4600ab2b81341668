/**
 * Where the API learns which alarms are in state ALARM, for the monitor page and the CLI.
 *
 * - deployed: CloudWatch DescribeAlarms (AlarmNamePrefix `shelfwatch-<stage>-`, StateValue ALARM).
 *   Not wired yet: @aws-sdk/client-cloudwatch is not a dependency, so a deployed API answers
 *   `available: false` (see UNAVAILABLE_ALARM_SOURCE) rather than pretending nothing fires.
 * - local: the LocalAlarms the local runtime evaluates from the same catalogue.
 */
import { ALARMS, type AlarmDeclaration, alarmName, type Severity } from '../aws/catalogue.ts';
import type { LocalAlarms } from './alarm-evaluator.ts';

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
