/**
 * Failure classes and the retry policy. Pure: the random source is passed in.
 *
 *  transient  network errors, timeouts, 5xx      retry, exponential backoff with jitter
 *  blocked    captcha, robot check, 403, 429     retry, longer backoff; counted apart
 *  permanent  404/410, invalid target, unknown   no retry: the run fails now
 *             extractor, malformed message
 */

export const FAILURE_CLASSES = ['transient', 'blocked', 'permanent'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export interface Failure {
  readonly failureClass: FailureClass;
  readonly message: string;
  /** Machine-readable reason, e.g. `http-503`, `captcha`, `timeout`. */
  readonly reason: string;
}

export function classifyHttpStatus(status: number): FailureClass | undefined {
  if (status === 403 || status === 429) return 'blocked';
  if (status === 404 || status === 410 || status === 400 || status === 401) return 'permanent';
  if (status === 408 || status >= 500) return 'transient';
  return undefined;
}

export interface BackoffPolicy {
  readonly baseSeconds: number;
  readonly capSeconds: number;
}

export const BACKOFF: Record<Exclude<FailureClass, 'permanent'>, BackoffPolicy> = {
  transient: { baseSeconds: 30, capSeconds: 15 * 60 },
  blocked: { baseSeconds: 5 * 60, capSeconds: 2 * 3600 },
};

/** SQS cannot delay a message (visibility) by more than 12 hours. */
export const MAX_DELAY_SECONDS = 12 * 3600;

/**
 * Delay before attempt `attempt + 1`, after `attempt` attempts failed with this class:
 * exponential (base · 2^(attempt-1), capped), "equal jitter" — half fixed, half random — so
 * retries spread out but never come back immediately.
 */
export function retryDelaySeconds(
  failureClass: Exclude<FailureClass, 'permanent'>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const { baseSeconds, capSeconds } = BACKOFF[failureClass];
  const exponential = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_DELAY_SECONDS, Math.round(exponential / 2 + random() * (exponential / 2)));
}

export type NextStep =
  { readonly action: 'retry'; readonly delaySeconds: number } | { readonly action: 'fail' };

/** What to do after an attempt failed: retry later, or fail the run for good. */
export function nextStepAfterFailure(
  failure: Pick<Failure, 'failureClass'>,
  attempts: number,
  maxAttempts: number,
  random: () => number = Math.random,
): NextStep {
  if (failure.failureClass === 'permanent' || attempts >= maxAttempts) return { action: 'fail' };
  return { action: 'retry', delaySeconds: retryDelaySeconds(failure.failureClass, attempts, random) };
}
