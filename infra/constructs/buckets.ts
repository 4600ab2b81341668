import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type BucketDeclaration, type BucketName, BUCKETS } from '../../shared/catalogue/index.ts';
import type { RemovalPolicyName } from '../config.ts';

export interface BucketsProps {
  /** `retain` keeps the buckets when the stack is deleted; `destroy` deletes them (only if empty). */
  readonly removalPolicy: RemovalPolicyName;
  /** Days after which the stage's configuration expires a bucket's objects, over the catalogue's. */
  readonly expireAfterDays?: Partial<Record<BucketName, number>>;
}

/** The catalogue's lifecycle of a bucket: expiry and/or a move to Intelligent-Tiering. */
export function lifecycleRuleOf(declaration: BucketDeclaration, expireAfterDays?: number): LifecycleRule {
  const expire = expireAfterDays ?? declaration.expireAfterDays;
  const tiering = declaration.intelligentTieringAfterDays;
  // A move after the expiry would never happen (and S3 refuses the rule).
  const moves = tiering !== undefined && (expire === undefined || expire > tiering);
  return {
    ...(expire !== undefined ? { expiration: Duration.days(expire) } : {}),
    ...(moves
      ? {
          transitions: [
            { storageClass: StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(tiering) },
          ],
        }
      : {}),
  };
}

/** The catalogue's buckets: private, encrypted, TLS only, with their lifecycle and server access logs. */
export class Buckets extends Construct {
  readonly byName: Record<BucketName, Bucket>;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    const destroy = props.removalPolicy === 'destroy';
    const common = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    };
    this.accessLogs = new Bucket(this, 'access-logs', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server-access-log bucket of the other buckets; logging it would log its own log writes.',
    });
    const entries = (Object.keys(BUCKETS) as BucketName[]).map((name) => {
      const bucket = new Bucket(this, name, {
        ...common,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `${name}/`,
        lifecycleRules: [lifecycleRuleOf(BUCKETS[name], props.expireAfterDays?.[name])],
      });
      return [name, bucket] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<BucketName, Bucket>;
  }
}
