import { Duration, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type IScheduleTarget,
  Schedule,
  ScheduleExpression,
  type ScheduleTargetConfig,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import {
  type FunctionName,
  resourceName,
  type ScheduleName,
  SCHEDULES,
} from '../../shared/catalogue/index.ts';

export interface SchedulesProps {
  /** The stage, part of every schedule name. */
  readonly stage: string;
  /** The expression of each schedule (the catalogue's, or one overridden in the context). */
  readonly expressions: Record<ScheduleName, string>;
  /** The functions schedules may target. */
  readonly functions: Record<FunctionName, IFunction>;
}

/**
 * EventBridge Scheduler schedules of the catalogue. A firing that cannot be delivered is retried
 * for up to an hour; one lost beyond that is recovered by the expander's catch-up on its next
 * firing (and shows as a missing heartbeat), so no dead-letter queue is needed here.
 */
export class Schedules extends Construct {
  readonly byName: Record<ScheduleName, Schedule>;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const entries = (Object.keys(SCHEDULES) as ScheduleName[]).map((name) => {
      const declaration = SCHEDULES[name];
      const schedule = new Schedule(this, name, {
        scheduleName: resourceName(props.stage, name),
        description: declaration.purpose,
        // Slots are UTC hours, so the expander fires on UTC hours; definitions carry their own zones.
        schedule: ScheduleExpression.expression(props.expressions[name], TimeZone.of(declaration.timeZone)),
        target: new InvokeFunction(this, name, props.functions[declaration.target]),
      });
      return [name, schedule] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<ScheduleName, Schedule>;
  }
}

/**
 * Invokes one function with a role allowed to invoke exactly that function. (The stock
 * `LambdaInvoke` target also grants `<function arn>:*`, every version and alias.)
 */
class InvokeFunction implements IScheduleTarget {
  private readonly role: Role;
  private readonly name: ScheduleName;
  private readonly fn: IFunction;

  constructor(scope: Construct, name: ScheduleName, fn: IFunction) {
    this.name = name;
    this.fn = fn;
    this.role = new Role(scope, `${name}-role`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `Lets EventBridge Scheduler invoke the ${name} function, and nothing else`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
  }

  bind(): ScheduleTargetConfig {
    return {
      arn: this.fn.functionArn,
      role: this.role,
      input: ScheduleTargetInput.fromObject({ source: 'shelfwatch.schedule', schedule: this.name }),
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: Duration.hours(1).toSeconds() },
    };
  }
}
