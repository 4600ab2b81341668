/**
 * What went wrong reading one page, as a failure class (see shared/runs/failure.ts): the scraper
 * turns navigation errors, HTTP statuses, block pages and guard refusals into one `PageFailure`.
 */
import { ShelfwatchError } from '../errors/index.ts';
import { classifyHttpStatus, type Failure } from '../runs/index.ts';
import type { BlockReason } from './extractors/index.ts';

export class PageFailure extends ShelfwatchError {
  readonly failure: Failure;
  constructor(failure: Failure, options?: ErrorOptions) {
    // A permanent failure (a 404 page, a target the site refuses) is the definition's to fix;
    // transient and blocked pages may read fine later.
    super(
      failure.failureClass === 'permanent' ? 'invalid' : 'unavailable',
      'PAGE_FAILED',
      failure.message,
      options,
    );
    this.failure = failure;
  }
}

const transient = (reason: string, message: string): Failure => ({
  failureClass: 'transient',
  reason,
  message,
});

/** A navigation that threw: a timeout, a network error, a crashed or closed browser. */
export function failureOfNavigation(error: unknown, url: string): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return transient('timeout', `${url} did not load in time: ${message}`);
  }
  const network = /net::(ERR_[A-Z_]+)/.exec(message);
  if (network) return transient(`network-${(network[1] as string).toLowerCase()}`, `${url}: ${network[1]}`);
  if (
    /Target closed|Session closed|detached|Protocol error|Connection closed|browser has disconnected/i.test(
      message,
    )
  ) {
    return transient('browser-crash', `the browser went away while loading ${url}: ${message}`);
  }
  return transient('navigation-error', `${url}: ${message}`);
}

/** An HTTP status that means the page is not there to read (undefined: read it). */
export function failureOfStatus(status: number, url: string): Failure | undefined {
  const failureClass = classifyHttpStatus(status);
  if (!failureClass) return undefined;
  return { failureClass, reason: `http-${status}`, message: `${url} answered HTTP ${status}` };
}

export const failureOfBlock = (reason: BlockReason, url: string): Failure => ({
  failureClass: 'blocked',
  reason,
  message: `${url} served a ${reason} page instead of content`,
});

export const permanentFailure = (reason: string, message: string): Failure => ({
  failureClass: 'permanent',
  reason,
  message,
});
