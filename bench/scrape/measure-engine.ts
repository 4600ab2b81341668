/**
 * Runs one engine in its own child process and measures it from outside: the time from spawning
 * the process to its first stored item (cold start), the scraping phase's wall time (from the
 * worker's `scrape-start` to its `done`), and the peak resident memory of its process tree.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import {
  type Engine,
  eventOf,
  type OperationProfile,
  type Readings,
  type ScrapeJob,
  type WorkerEvent,
} from './job.ts';
import { sampleTreeMemory, type TreeMemory } from './process-tree-memory.ts';
import { ShelfwatchError } from '../../shared/errors/index.ts';

const WORKER = fileURLToPath(new URL('../scrape-worker.ts', import.meta.url));

export interface EngineMeasurement {
  readonly engine: Engine;
  readonly pages: number;
  readonly items: number;
  readonly failures: readonly string[];
  readonly readings: Readings;
  /** Shelfwatch: the sum of its runs' durations. */
  readonly runMs?: number;
  readonly profile?: Readonly<Record<string, OperationProfile>>;
  readonly scrapeMs: number;
  readonly pagesPerMinute: number;
  /** From spawning the process to its first item stored. */
  readonly coldStartMs: number;
  readonly memory: TreeMemory;
  /** CPU time the worker's Node process used in the scraping phase (not Chromium's). */
  readonly cpuMs: number;
  /** CPU time DynamoDB Local used in the scraping phase, for engines that write to it. */
  readonly emulatorCpuMs?: number;
}

export class BenchWorkerError extends ShelfwatchError {
  constructor(message: string) {
    super('internal', 'BENCH_WORKER_FAILED', message);
  }
}

export async function measureEngine(
  engine: Engine,
  job: ScrapeJob,
  env: NodeJS.ProcessEnv,
  /** CPU used so far by the engine's DynamoDB Local, read as the phase starts and ends. */
  emulatorCpuMs?: () => number,
): Promise<EngineMeasurement> {
  const spawnedAtMs = Date.now();
  const child = spawn(process.execPath, [WORKER, engine], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(job));
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  if (child.pid === undefined) throw new BenchWorkerError(`could not start the ${engine} worker`);
  const memory = sampleTreeMemory(child.pid);
  const events: WorkerEvent[] = [];
  const emulatorCpu: number[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    const event = eventOf(line);
    if (event?.kind === 'scrape-start' || event?.kind === 'done') emulatorCpu.push(emulatorCpuMs?.() ?? 0);
    if (event) events.push(event);
    else if (line.trim()) process.stderr.write(`[${engine}] ${line}\n`);
  }
  const exitCode = await exited;
  process.off('exit', killChild);
  const peaks = await memory.stop();

  const atOf = (kind: WorkerEvent['kind']) => events.find((event) => event.kind === kind)?.atMs;
  const done = events.find((event) => event.kind === 'done');
  const startedAtMs = atOf('scrape-start');
  const firstItemAtMs = atOf('first-item');
  if (exitCode !== 0 || !done || startedAtMs === undefined || firstItemAtMs === undefined) {
    throw new BenchWorkerError(
      `the ${engine} worker exited with ${exitCode} after events ${JSON.stringify(events)}`,
    );
  }
  const scrapeMs = done.atMs - startedAtMs;
  return {
    engine,
    pages: done.pages,
    items: done.items,
    failures: done.failures,
    readings: done.readings,
    ...(done.runMs !== undefined ? { runMs: done.runMs } : {}),
    ...(done.profile ? { profile: done.profile } : {}),
    scrapeMs,
    pagesPerMinute: (done.pages / scrapeMs) * 60_000,
    coldStartMs: firstItemAtMs - spawnedAtMs,
    memory: peaks,
    cpuMs: done.cpuMs,
    ...(emulatorCpuMs ? { emulatorCpuMs: (emulatorCpu[1] ?? 0) - (emulatorCpu[0] ?? 0) } : {}),
  };
}
