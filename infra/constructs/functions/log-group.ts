import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RemovalPolicyName } from '../../config.ts';

export interface FunctionLogGroupProps {
  /** The Lambda function's name: the group is `/aws/lambda/<functionName>`, where Lambda writes by default. */
  readonly functionName: string;
  /** Days the logs are kept; must be a CloudWatch Logs retention value (config.ts checks it). */
  readonly retentionDays: number;
  /** `retain` keeps the logs when the stack is deleted; `destroy` deletes them with it. */
  readonly removalPolicy: RemovalPolicyName;
}

/**
 * A function's log group, created by the stack rather than by Lambda on first write, so that it
 * has a retention and is removed (or kept) with the stack.
 */
export class FunctionLogGroup extends LogGroup {
  constructor(scope: Construct, id: string, props: FunctionLogGroupProps) {
    super(scope, id, {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.retentionDays as RetentionDays,
      removalPolicy: props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
