import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Records why a cdk-nag rule does not apply to one construct (and only to it). */
export function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
