import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { resourceName } from '../../shared/catalogue/index.ts';
import { acknowledge } from './acknowledge.ts';
import type { RemovalPolicyName } from '../config.ts';

export interface ShelfwatchHttpApiProps {
  /** The stage, part of the API's name. */
  readonly stage: string;
  /** The api function: every route goes to it. */
  readonly handler: IFunction;
  /** Days the access logs are kept; a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /** `retain` keeps the access-log group when the stack is deleted; `destroy` deletes it. */
  readonly removalPolicy: RemovalPolicyName;
  /**
   * Steady requests per second across the API, and the burst above it.
   * @default DEFAULT_API_THROTTLE (50 per second, bursts of 100)
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export const DEFAULT_API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The HTTP API: every path and method goes to the api function (Lambda proxy, payload 2.0),
 * which authenticates each request with an API token before anything else. Access logs (JSON,
 * one line per request) go to their own log group; the default stage is throttled.
 */
export class ShelfwatchHttpApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ShelfwatchHttpApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'access-logs', {
      logGroupName: `/aws/apigateway/${resourceName(props.stage, 'api')}`,
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.api = new HttpApi(this, 'api', {
      apiName: resourceName(props.stage, 'api'),
      description: `Shelfwatch ${props.stage}: definitions, runs, stats, DLQ, workers, seed 004 worker contract`,
      defaultIntegration: new HttpLambdaIntegration('lambda', props.handler),
      createDefaultStage: false,
    });
    this.api.addStage('default', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The $default route catches every path; the function authenticates every request itself.
    acknowledge(
      this.api,
      'AwsSolutions-APIG4',
      'Every request is authenticated in the api function: a bearer API token, stored hashed and compared in constant time, with operator/worker scopes (docs/api.md). Seed 004 workers send that token; Cognito or IAM would change their contract.',
    );
    new CfnOutput(this, 'endpoint', {
      key: 'ApiEndpoint',
      description: 'Base URL of the Shelfwatch HTTP API (every route needs Authorization: Bearer <token>)',
      value: this.api.apiEndpoint,
    });
  }
}
