import { App, type AppProps, Validations } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import { type ContextKey, readConfig } from './config.ts';
import { ShelfwatchStack } from './shelfwatch-stack.ts';
import { QUEUES } from '../shared/catalogue/index.ts';

const { AwsSolutionsChecks } = nag;

const FEATURE_FLAGS = {
  // Server access logs are delivered under a bucket policy, not the legacy ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

export interface BuiltApp {
  readonly app: App;
  readonly stack: ShelfwatchStack;
}

/**
 * The CDK app with cdk-nag's AwsSolutions rules attached: synthesis fails on any finding that is
 * not acknowledged with a reason. Used by infra/app.ts (the CLI) and by the infrastructure tests.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  // Feature flags the stack relies on, whether synthesized by the CLI (cdk.json) or by tests.
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const config = readConfig((key: ContextKey) => app.node.tryGetContext(key), {
    high: QUEUES.high.maxConcurrency,
    normal: QUEUES.normal.maxConcurrency,
    low: QUEUES.low.maxConcurrency,
  });
  const stack = new ShelfwatchStack(app, `Shelfwatch-${config.stage}`, {
    config,
    description: `Shelfwatch (${config.stage}): scheduled e-commerce page watching`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}
