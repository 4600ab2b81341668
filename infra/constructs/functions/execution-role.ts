import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface ExecutionRoleProps {
  /** The stage, named in the role's description. */
  readonly stage: string;
  /** The function's catalogue name, named in the description (tests and reviewers find roles by it). */
  readonly functionName: string;
  /** What the function does (its catalogue `purpose`), for the description. */
  readonly purpose: string;
  /** The function's own log group: the only one the role may write to. */
  readonly logGroup: LogGroup;
}

/**
 * The role of one function: assumed by Lambda, no AWS managed policy (AWSLambdaBasicExecutionRole
 * would allow writing to every log group), and allowed to write to its own log group only.
 * Everything else it may touch is granted by grants.ts from its catalogue entry.
 */
export class ExecutionRole extends Role {
  constructor(scope: Construct, id: string, props: ExecutionRoleProps) {
    super(scope, id, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Shelfwatch ${props.stage} ${props.functionName}: ${props.purpose}`.slice(0, 1000),
    });
    props.logGroup.grants.write(this);
  }
}
