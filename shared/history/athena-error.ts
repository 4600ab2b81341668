/**
 * Why an Athena query of the deployed history did not give rows. Each names the cause and what to
 * do; the kind decides the CLI's exit code and the API's status.
 */
import { type ErrorKind, ShelfwatchError } from '../errors/index.ts';

/** The SDK's default chain found no credentials (no profile, no environment keys, no role) or no region. */
export class AthenaCredentialsError extends ShelfwatchError {
  readonly missing: 'credentials' | 'region';
  constructor(missing: 'credentials' | 'region', reason: string, options?: ErrorOptions) {
    super(
      'unauthorized',
      missing === 'region' ? 'AWS_REGION_MISSING' : 'AWS_CREDENTIALS_MISSING',
      `no AWS ${missing}: ${reason}. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) ` +
        'and AWS_REGION to the account and region the stack is deployed in',
      options,
    );
    this.missing = missing;
  }
}

/** The stage's workgroup does not exist: a wrong --stage, another region, or no history deployed. */
export class AthenaWorkgroupNotFoundError extends ShelfwatchError {
  readonly workgroup: string;
  constructor(workgroup: string, stage: string, options?: ErrorOptions) {
    super(
      'not-found',
      'ATHENA_WORKGROUP_NOT_FOUND',
      `Athena workgroup ${workgroup} (stage ${stage}) does not exist in this account and region: ` +
        'check --stage and AWS_REGION, or deploy the stack with its history',
      options,
    );
    this.workgroup = workgroup;
  }
}

/** Athena ran the query and it ended FAILED or CANCELLED; its reason, as Athena gave it. */
export class AthenaQueryFailedError extends ShelfwatchError {
  readonly queryExecutionId: string;
  readonly state: string;
  constructor(queryExecutionId: string, state: string, reason: string, kind: ErrorKind) {
    super(
      kind,
      state === 'CANCELLED' ? 'ATHENA_QUERY_CANCELLED' : 'ATHENA_QUERY_FAILED',
      `Athena query ${queryExecutionId} ${state}: ${reason}` +
        (state === 'CANCELLED'
          ? ' (cancelled by someone, or stopped by the workgroup at its bytes-scanned limit)'
          : ''),
    );
    this.queryExecutionId = queryExecutionId;
    this.state = state;
  }
}

/** Athena (or S3) refused a request: access denied, throttled, a malformed statement... */
export class AthenaRequestError extends ShelfwatchError {
  readonly awsCode: string;
  constructor(kind: ErrorKind, awsCode: string, message: string, options?: ErrorOptions) {
    super(kind, 'ATHENA_REQUEST_REFUSED', `Athena refused the request (${awsCode}): ${message}`, options);
    this.awsCode = awsCode;
  }
}

/** The workgroup finished no query within the wait allowed (the API's answer must come in time). */
export class AthenaQueryTimeoutError extends ShelfwatchError {
  readonly queryExecutionId: string;
  constructor(queryExecutionId: string, waitedMs: number) {
    super(
      'unavailable',
      'ATHENA_QUERY_TIMEOUT',
      `Athena query ${queryExecutionId} did not finish within ${Math.round(waitedMs / 1000)} s and was stopped: ` +
        'ask for a shorter window, or use shelfwatch query --stage',
    );
    this.queryExecutionId = queryExecutionId;
  }
}
