/**
 * Estimated Lambda cost per 1,000 pages of a Shelfwatch fetch mode, from what the benchmark
 * measured and the memory the catalogue configures for the function that runs that mode:
 *
 *   GB-s per page = (Σ run durations ÷ pages) × memory MB ÷ 1024
 *   $ per 1,000 pages = 1,000 × GB-s per page × price per GB-s + 1,000 × (runs ÷ pages) × price per request
 *
 * A run is one invocation (the scraper's queues have batch size 1), so the sum of the runs'
 * durations is the billed duration (init excluded). Prices: AWS Lambda's published on-demand
 * prices, us-east-1, first pricing tier.
 */
import { FUNCTIONS, type FunctionDeclaration } from '../../shared/catalogue/index.ts';
import { ShelfwatchError } from '../../shared/errors/index.ts';

export const LAMBDA_PRICES = {
  region: 'us-east-1',
  perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  perMillionRequests: 0.2,
} as const;

export interface ModeFunction {
  readonly name: string;
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  /** Where the figures come from: the catalogue, or an assumption (said so). */
  readonly source: string;
}

/** The function that runs browser-mode runs: the catalogue's consumer of run queues that ships Chromium. */
export function browserFunction(): ModeFunction {
  const found = consumers().find(([, declaration]) => declaration.bundlesChromium === true);
  if (!found) {
    throw new ShelfwatchError(
      'internal',
      'NO_BROWSER_SCRAPER',
      'shared/catalogue declares no function that consumes run queues and ships Chromium',
    );
  }
  const [name, { memoryMb, architecture }] = found;
  return { name, memoryMb, architecture, source: 'shared/catalogue' };
}

/** The function that runs HTTP-mode runs: the catalogue's consumer of the HTTP run queues (no Chromium). */
export function httpFunction(): ModeFunction {
  const found = Object.entries(FUNCTIONS as Record<string, FunctionDeclaration>).find(
    ([, declaration]) => (declaration.consumesHttp ?? []).length > 0 && declaration.bundlesChromium !== true,
  );
  if (!found) {
    throw new ShelfwatchError(
      'internal',
      'NO_HTTP_SCRAPER',
      'shared/catalogue declares no function that consumes the HTTP run queues without Chromium',
    );
  }
  const [name, { memoryMb, architecture }] = found;
  return { name, memoryMb, architecture, source: 'shared/catalogue' };
}

function consumers(): [string, FunctionDeclaration][] {
  return Object.entries(FUNCTIONS as Record<string, FunctionDeclaration>).filter(
    ([, declaration]) => declaration.consumes.length > 0,
  );
}

export interface ModeCost {
  readonly gbSecondsPerPage: number;
  readonly computePer1000: number;
  readonly requestsPer1000: number;
  readonly totalPer1000: number;
}

export function costPer1000Pages(
  measured: { readonly runMs: number; readonly pages: number; readonly runs: number },
  fn: ModeFunction,
): ModeCost {
  const gbSecondsPerPage = (measured.runMs / 1000 / measured.pages) * (fn.memoryMb / 1024);
  const computePer1000 = 1000 * gbSecondsPerPage * LAMBDA_PRICES.perGbSecond[fn.architecture];
  const requestsPer1000 =
    1000 * (measured.runs / measured.pages) * (LAMBDA_PRICES.perMillionRequests / 1_000_000);
  return {
    gbSecondsPerPage,
    computePer1000,
    requestsPer1000,
    totalPer1000: computePer1000 + requestsPer1000,
  };
}
