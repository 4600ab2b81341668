/**
 * One warm scraper "container" of the local runtime: a child process that loads the real
 * scraper handler once (the Chromium scraper's, or the HTTP-only one's when
 * SHELFWATCH_LOCAL_FUNCTION is `httpScraper`) (it reads its environment at import, as in Lambda) and runs the
 * invocations its parent sends over IPC, one at a time. Being a process of its own, it can crash
 * or be killed like a Lambda container, and its browser goes with it.
 *
 * Parent → worker: { type: 'invoke', id, event, awsRequestId, deadlineMs } | { type: 'stop' }
 * Worker → parent: { type: 'ready' } | { type: 'result', id, response } | { type: 'error', id, message }
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_FUNCTION_VARIABLE } from './scraper-pool.ts';

export type WorkerRequest =
  | {
      readonly type: 'invoke';
      readonly id: number;
      readonly event: SQSEvent;
      readonly awsRequestId: string;
      /** Wall-clock instant at which the invocation times out. */
      readonly deadlineMs: number;
    }
  | { readonly type: 'stop' };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly response: SQSBatchResponse }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

interface ScraperModule {
  handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
  /** The Chromium scraper's browser; the HTTP-only scraper has none. */
  browser?: { close(): Promise<void> };
}

const send = (reply: WorkerReply): void => {
  process.send?.(reply);
};

function contextOf(request: Extract<WorkerRequest, { type: 'invoke' }>): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'scraper',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:scraper`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '2048',
    awsRequestId: request.awsRequestId,
    logGroupName: '/aws/lambda/scraper',
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, request.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function main(): Promise<void> {
  const scraper = (
    process.env[LOCAL_FUNCTION_VARIABLE] === 'httpScraper'
      ? await import('../functions/http-scraper/handler.ts')
      : await import('../functions/scraper/handler.ts')
  ) as ScraperModule;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await scraper.browser?.close().catch(() => undefined);
    process.exit(0);
  };
  // The parent went away (stopped or crashed): a container does not outlive its runtime.
  process.on('disconnect', () => void stop());
  process.on('message', (request: WorkerRequest) => {
    if (request.type === 'stop') {
      void stop();
      return;
    }
    scraper.handler(request.event, contextOf(request)).then(
      (response) => send({ type: 'result', id: request.id, response }),
      (error: unknown) =>
        send({
          type: 'error',
          id: request.id,
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  process.stderr.write(`scraper worker could not start: ${String(error)}\n`);
  process.exit(1);
});
