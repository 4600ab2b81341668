/**
 * The local runtime's control loop: fires the catalogue's schedules at the real handlers
 * (functions/*), and evaluates the catalogue's alarms against what they emit — the same EMF
 * lines CloudWatch would read — plus DLQ depth sampled from the local queues and each
 * handler's errors and duration. Handlers run in this process with the environment a Lambda of
 * the stack would have; nothing in functions/ knows it is local.
 *
 * Function output (JSON log lines and EMF) goes to a log file and to the alarm evaluator; the
 * terminal shows what a person needs: firings, failures, alarms going into and out of ALARM.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { FUNCTIONS, PRIORITIES, SCHEDULES, type ScheduleName } from '../shared/aws/index.ts';
import { type AlarmTransition, LocalAlarms } from '../shared/monitoring/alarm-evaluator.ts';
import type { LocalInfrastructure } from './infrastructure.ts';
import { nextFiringMs } from './schedule-clock.ts';

type Handler = (event: unknown) => Promise<unknown>;

export interface LocalRuntimeOptions {
  readonly infrastructure: LocalInfrastructure;
  /** File that receives every JSON line the functions write. */
  readonly logFile: string;
  /** Where the runtime's own messages go. Default: the terminal. */
  readonly print?: (line: string) => void;
  /** Fire the schedules on their own (default), or only when asked (tests). */
  readonly autoFire?: boolean;
}

export interface LocalRuntime {
  readonly alarms: LocalAlarms;
  /** Invokes a schedule's target now, as the schedule would. */
  fire(schedule: ScheduleName): Promise<unknown>;
  /** Samples queue depths and evaluates every alarm; prints and returns the transitions. */
  evaluateAlarms(nowMs?: number): Promise<AlarmTransition[]>;
  stop(): Promise<void>;
}

const isJsonObjectLine = (line: string): boolean => {
  if (!line.startsWith('{')) return false;
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { infrastructure } = options;
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const alarms = new LocalAlarms(infrastructure.stage, undefined, { startedAtMs: Date.now() });
  mkdirSync(path.dirname(options.logFile), { recursive: true });

  // The handlers read their environment when their module loads, exactly as in Lambda.
  Object.assign(process.env, infrastructure.environment);
  const handlers = new Map<string, Handler>();
  for (const name of new Set(Object.values(SCHEDULES).map((schedule) => schedule.target))) {
    const module = (await import(path.join(import.meta.dirname, '..', FUNCTIONS[name].entry))) as {
      handler: Handler;
    };
    handlers.set(name, module.handler);
  }

  // Function output: JSON lines to the log file and the evaluator; anything else passes through.
  const write = process.stdout.write.bind(process.stdout);
  const divert = (chunk: string | Uint8Array): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter(Boolean);
    if (lines.length === 0 || !lines.every(isJsonObjectLine)) return write(chunk);
    appendFileSync(options.logFile, lines.map((line) => `${line}\n`).join(''));
    for (const line of lines) alarms.ingestLogLine(line);
    return true;
  };
  process.stdout.write = divert;

  const inFlight = new Set<Promise<unknown>>();
  const fire = async (schedule: ScheduleName): Promise<unknown> => {
    const target = SCHEDULES[schedule].target;
    const handler = handlers.get(target);
    if (!handler) throw new Error(`no handler loaded for ${target}`);
    const started = Date.now();
    const invocation = handler({ source: 'shelfwatch.schedule', schedule });
    inFlight.add(invocation);
    try {
      const result = await invocation;
      alarms.record(`function:${target}:Errors`, { atMs: started, value: 0 });
      return result;
    } catch (error) {
      alarms.record(`function:${target}:Errors`, { atMs: started, value: 1 });
      print(`✗ ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      alarms.record(`function:${target}:Duration`, { atMs: started, value: Date.now() - started });
      inFlight.delete(invocation);
    }
  };

  const evaluateAlarms = async (nowMs = Date.now()): Promise<AlarmTransition[]> => {
    const { sqs } = infrastructure.clients;
    for (const priority of PRIORITIES) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: infrastructure.resources.queues[priority].deadLetterUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      alarms.record(`queue:${priority}:dlq:ApproximateNumberOfMessagesVisible`, {
        atMs: nowMs,
        value: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      });
    }
    const transitions = alarms.evaluate(nowMs);
    for (const transition of transitions) {
      if (transition.from === undefined && transition.to === 'OK') continue; // quiet start
      const { declaration } = transition;
      print(
        `${transition.to === 'ALARM' ? '🔴 ALARM' : '🟢 OK   '} ${transition.alarm} [${declaration.severity}] ${declaration.description} Runbook: docs/runbooks/${declaration.runbook}.md`,
      );
    }
    return transitions;
  };

  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const arm = (schedule: ScheduleName) => {
    const delay = nextFiringMs(SCHEDULES[schedule].expression, Date.now()) - Date.now();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      fire(schedule).catch(() => undefined); // failures are printed and counted as Errors
      arm(schedule);
    }, delay);
    timers.add(timer);
  };
  if (options.autoFire ?? true) {
    for (const schedule of Object.keys(SCHEDULES) as ScheduleName[]) arm(schedule);
    const evaluator = setInterval(
      () =>
        void evaluateAlarms().catch((error: unknown) => print(`alarm evaluation failed: ${String(error)}`)),
      60_000,
    );
    timers.add(evaluator);
  }

  return {
    alarms,
    fire,
    evaluateAlarms,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      if (process.stdout.write === divert) process.stdout.write = write;
    },
  };
}
