/**
 * The scraper's warm containers: worker processes (local/scraper-worker.ts), each running one
 * invocation at a time. A worker is started when an invocation needs one and none is idle (a cold
 * start), reused while it lives (warm), and forgotten when it dies — the next invocation starts a
 * new one. The pool's size stands in for the account's concurrency: the event source mappings
 * still apply each queue's maximum concurrency below it.
 *
 * Each worker leads its own process group, so it never receives the terminal's Ctrl-C (the
 * runtime stops it). Its Chromium does not share that group — puppeteer launches it detached —
 * so every process a worker starts carries a marker variable, and when the worker exits (a
 * crash, a kill, a stop) whatever still carries its marker is killed with it, as a Lambda
 * container's end takes its browser along.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { killMarked } from './marked-processes.ts';
import type { WorkerReply, WorkerRequest } from './scraper-worker.ts';

/** Environment variable naming the worker (`<pool>/<worker>`) in every process it starts. */
export const WORKER_MARKER_VARIABLE = 'SHELFWATCH_LOCAL_SCRAPER';

/** Which handler a worker loads: `httpScraper` for the HTTP-only scraper, else the Chromium one. */
export const LOCAL_FUNCTION_VARIABLE = 'SHELFWATCH_LOCAL_FUNCTION';

const WORKER_ENTRY = path.join(import.meta.dirname, 'scraper-worker.ts');
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export type InvocationResult =
  | { readonly kind: 'response'; readonly response: SQSBatchResponse }
  /** The handler threw, the process died, or it ran past its timeout and was killed. */
  | { readonly kind: 'function-error'; readonly message: string };

export interface ScraperWorker {
  readonly pid: number;
  /** Runs one invocation; settles when it returns, throws, or the process dies. */
  invoke(event: SQSEvent, awsRequestId: string, deadlineMs: number): Promise<InvocationResult>;
  /** Ends the process (and its browser) at once, as a crash would. */
  kill(): void;
  readonly alive: boolean;
}

export interface ScraperPoolOptions {
  /** How many workers may exist at once. */
  readonly size: number;
  /** Environment of the scraper function (resources, settings, endpoints). */
  readonly environment: Readonly<Record<string, string>>;
  /** Receives every line the workers write (JSON log lines, mostly), newline included. */
  readonly output: (chunk: string) => void;
}

export class ScraperPool {
  /** Prefix of the marker of this pool's workers and every process they start. */
  readonly marker = randomUUID();
  private readonly options: ScraperPoolOptions;
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private starting = 0;
  private stopped = false;

  constructor(options: ScraperPoolOptions) {
    this.options = options;
  }

  /** Whether `acquire` would return a worker without waiting for one to be released. */
  get hasCapacity(): boolean {
    return !this.stopped && (this.idle.length > 0 || this.all.size + this.starting < this.options.size);
  }

  get size(): number {
    return this.all.size;
  }

  /** An idle worker, or a new one; undefined when the pool is full or stopped. */
  async acquire(): Promise<ScraperWorker | undefined> {
    for (let worker = this.idle.pop(); worker; worker = this.idle.pop()) {
      if (worker.alive) return worker;
    }
    if (!this.hasCapacity) return undefined;
    this.starting += 1;
    try {
      const worker = await Worker.start(this.options, `${this.marker}/${randomUUID()}`);
      if (this.stopped) {
        worker.kill();
        return undefined;
      }
      this.all.add(worker);
      worker.exited.then(
        () => this.all.delete(worker),
        () => this.all.delete(worker),
      );
      return worker;
    } finally {
      this.starting -= 1;
    }
  }

  /** Gives a worker back after an invocation; a dead one is simply forgotten. */
  release(worker: ScraperWorker): void {
    const known = [...this.all].find((candidate) => candidate === worker);
    if (known?.alive && !this.stopped) this.idle.push(known);
  }

  /** Asks every worker to close its browser and exit; kills those that do not in time. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.idle.length = 0;
    await Promise.all([...this.all].map((worker) => worker.stop()));
  }
}

class Worker implements ScraperWorker {
  private readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private pending:
    | { readonly id: number; readonly settle: (result: InvocationResult) => void; timer: NodeJS.Timeout }
    | undefined;
  private sequence = 0;
  private dead = false;

  private readonly marker: string;

  private constructor(child: ChildProcess, marker: string) {
    this.child = child;
    this.marker = marker;
    this.exited = once(child, 'exit').then(() => {
      this.dead = true;
      this.killGroup(); // Chromium, if the worker died without closing it
      this.finish({ kind: 'function-error', message: `scraper process ${child.pid} exited` });
    });
    child.on('message', (reply: WorkerReply) => {
      if (reply.type === 'result' && reply.id === this.pending?.id) {
        this.finish({ kind: 'response', response: reply.response });
      } else if (reply.type === 'error' && reply.id === this.pending?.id) {
        this.finish({ kind: 'function-error', message: reply.message });
      }
    });
  }

  static async start(options: ScraperPoolOptions, marker: string): Promise<Worker> {
    const child = fork(WORKER_ENTRY, [], {
      env: { ...process.env, ...options.environment, [WORKER_MARKER_VARIABLE]: marker },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    // Line by line per stream: chunks of two workers (or of stdout and stderr) never mix in a line.
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.output(`${line}\n`));
    }
    const worker = new Worker(child, marker);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('scraper worker did not start in time')),
        READY_TIMEOUT_MS,
      );
      child.on('message', (reply: WorkerReply) => {
        if (reply.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      void worker.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`scraper worker exited while starting (code ${child.exitCode})`));
      });
    });
    try {
      await ready;
    } catch (error) {
      worker.kill();
      throw error;
    }
    return worker;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.dead;
  }

  invoke(event: SQSEvent, awsRequestId: string, deadlineMs: number): Promise<InvocationResult> {
    if (this.dead) return Promise.resolve({ kind: 'function-error', message: 'scraper process is gone' });
    if (this.pending) throw new Error(`scraper process ${this.pid} is busy: one invocation at a time`);
    this.sequence += 1;
    const id = this.sequence;
    return new Promise((settle) => {
      // Lambda ends an invocation at its timeout by ending the container: so does the runtime.
      const timer = setTimeout(() => this.kill(), Math.max(0, deadlineMs - Date.now()) + 1_000);
      this.pending = { id, settle, timer };
      const request: WorkerRequest = { type: 'invoke', id, event, awsRequestId, deadlineMs };
      this.child.send(request);
    });
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true; // at once: the pool must not hand it out again before its exit is reported
    this.killGroup();
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.dead) return this.exited;
    const request: WorkerRequest = { type: 'stop' };
    if (this.child.connected) this.child.send(request);
    const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private finish(result: InvocationResult): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.settle(result);
  }

  /** The worker's process group, and every process carrying its marker (its Chromium). */
  private killGroup(): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
    killMarked(WORKER_MARKER_VARIABLE, this.marker);
  }
}
