/**
 * The local runtime's control loop: fires the catalogue's schedules at the real handlers
 * (functions/*), and evaluates the catalogue's alarms against what they emit — the same EMF
 * lines CloudWatch would read — plus DLQ depth sampled from the local queues and each
 * handler's errors and duration. Handlers run in this process with the environment a Lambda of
 * the stack would have; nothing in functions/ knows it is local.
 *
 * Function output (JSON log lines and EMF) goes to a log file and to the alarm evaluator; the
 * terminal shows what a person needs: firings, failures, alarms going into and out of ALARM.
 * Scraper invocations run in worker processes (local/event-source-mapping.ts); their output and
 * their Errors and Duration reach the evaluator through `ingestFunctionOutput` and
 * `recordInvocation`.
 *
 * On an accelerated clock (`--slot-every`) schedules fire and alarms are judged in local time:
 * samples are stamped with the local time of the moment they were taken, so a 5-minute alarm
 * period passes in seconds.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalInfrastructure } from './infrastructure.ts';
import { type LocalClock, wallClock } from './local-clock.ts';
import { nextFiringMs } from './schedule-clock.ts';
import { PRIORITIES } from '../shared/definitions/index.ts';
import {
  type AlarmDeclaration,
  ALARMS,
  type FunctionName,
  FUNCTIONS,
  type ScheduleName,
  SCHEDULES,
} from '../shared/catalogue/index.ts';
import { type AlarmTransition, LocalAlarms } from './alarm-evaluator.ts';

type Handler = (event: unknown) => Promise<unknown>;

export interface LocalRuntimeOptions {
  readonly infrastructure: LocalInfrastructure;
  /** File that receives every JSON line the functions write. */
  readonly logFile: string;
  /** Where the runtime's own messages go. Default: the terminal. */
  readonly print?: (line: string) => void;
  /** Fire the schedules on their own (default), or only when asked (tests). */
  readonly autoFire?: boolean;
  /** Which schedules fire on their own (default: all of the catalogue's). */
  readonly schedules?: readonly ScheduleName[];
  /** Local time: the wall clock (default) or an accelerated one. */
  readonly clock?: LocalClock;
  /** Alarms to evaluate. Default: all of the catalogue's. */
  readonly alarms?: Readonly<Record<string, AlarmDeclaration>>;
  /** Schedules never fire more often than this, whatever the clock's speed. Default 1 s. */
  readonly minScheduleIntervalMs?: number;
  /** Variables set for the in-process handlers on top of the infrastructure's. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface LocalRuntime {
  readonly alarms: LocalAlarms;
  /** Invokes a schedule's target now, as the schedule would. */
  fire(schedule: ScheduleName): Promise<unknown>;
  /** Invokes a scheduled function with another event (an operator's `expandSlot`). */
  invoke(target: FunctionName, event: unknown): Promise<unknown>;
  /** Output of a function running elsewhere (a scraper worker): to the log file and the evaluator. */
  ingestFunctionOutput(text: string): void;
  /** An invocation of a function running elsewhere: its Errors and Duration, as Lambda reports them. */
  recordInvocation(
    target: FunctionName,
    invocation: { startedAtMs: number; durationMs: number; failed: boolean },
  ): void;
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
  const clock = options.clock ?? wallClock;
  const alarms = new LocalAlarms(infrastructure.stage, options.alarms ?? ALARMS, {
    startedAtMs: clock.now(),
  });
  mkdirSync(path.dirname(options.logFile), { recursive: true });

  // The handlers read their environment when their module loads, exactly as in Lambda.
  Object.assign(process.env, infrastructure.environment, options.environment);
  const handlers = new Map<string, Handler>();
  // EMF carries the wall-clock time of its datapoints: judged in local time, like every sample.
  const ingest = (line: string) => {
    if (clock.speed === 1) return alarms.ingestLogLine(line);
    const document = JSON.parse(line) as { _aws?: { Timestamp?: number } };
    if (typeof document._aws?.Timestamp !== 'number') return 0;
    document._aws.Timestamp = clock.ofWallClock(document._aws.Timestamp);
    return alarms.ingestLogLine(JSON.stringify(document));
  };

  // Function output (stdout, and stderr for warnings and errors): JSON lines to the log file and
  // the evaluator; anything else passes through.
  const diverted = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    const divert = (chunk: string | Uint8Array): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const lines = text.split('\n').filter(Boolean);
      if (lines.length === 0 || !lines.every(isJsonObjectLine)) return write(chunk);
      appendFileSync(options.logFile, lines.map((line) => `${line}\n`).join(''));
      for (const line of lines) ingest(line);
      return true;
    };
    stream.write = divert;
    return { stream, write, divert };
  });

  // Output of worker processes arrives in chunks that may split a line: keep the tail for later.
  let partial = '';
  const ingestFunctionOutput = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    const complete = lines.filter(Boolean);
    if (complete.length === 0) return;
    appendFileSync(options.logFile, complete.map((line) => `${line}\n`).join(''));
    for (const line of complete) if (isJsonObjectLine(line)) ingest(line);
  };

  const recordInvocation: LocalRuntime['recordInvocation'] = (
    target,
    { startedAtMs, durationMs, failed },
  ) => {
    const atMs = clock.ofWallClock(startedAtMs);
    alarms.record(`function:${target}:Errors`, { atMs, value: failed ? 1 : 0 });
    alarms.record(`function:${target}:Duration`, { atMs, value: durationMs });
  };

  const inFlight = new Set<Promise<unknown>>();
  const invoke = async (target: FunctionName, event: unknown): Promise<unknown> => {
    const handler = handlers.get(target) ?? (await loadHandler(target));
    const started = Date.now();
    const invocation = handler(event);
    inFlight.add(invocation);
    let failed = true;
    try {
      const result = await invocation;
      failed = false;
      return result;
    } catch (error) {
      print(`✗ ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      recordInvocation(target, { startedAtMs: started, durationMs: Date.now() - started, failed });
      inFlight.delete(invocation);
    }
  };
  const loadHandler = async (target: FunctionName): Promise<Handler> => {
    const module = (await import(path.join(import.meta.dirname, '..', FUNCTIONS[target].entry))) as {
      handler: Handler;
    };
    handlers.set(target, module.handler);
    return module.handler;
  };
  for (const name of new Set(Object.values(SCHEDULES).map((schedule) => schedule.target))) {
    await loadHandler(name);
  }
  const fire = (schedule: ScheduleName): Promise<unknown> =>
    invoke(SCHEDULES[schedule].target, { source: 'shelfwatch.schedule', schedule });

  const evaluateAlarms = async (nowMs = clock.now()): Promise<AlarmTransition[]> => {
    const { sqs } = infrastructure.clients;
    for (const priority of PRIORITIES) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: infrastructure.resources.queues[priority].deadLetterUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      // Hidden ones too: the monitor's peek hides DLQ messages for a minute, which CloudWatch's
      // one-minute samples would straddle but an accelerated clock would stretch to hours.
      alarms.record(`queue:${priority}:dlq:ApproximateNumberOfMessagesVisible`, {
        atMs: nowMs,
        value:
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      });
    }
    const { Attributes: webhookDlq = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: infrastructure.resources.webhooks.deadLetterUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    alarms.record('webhook-queue:dlq:ApproximateNumberOfMessagesVisible', {
      atMs: nowMs,
      value:
        Number(webhookDlq.ApproximateNumberOfMessages ?? 0) +
        Number(webhookDlq.ApproximateNumberOfMessagesNotVisible ?? 0),
    });
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
  const minIntervalMs = options.minScheduleIntervalMs ?? 1_000;
  const arm = (schedule: ScheduleName) => {
    const now = clock.now();
    const delay = Math.max(
      minIntervalMs,
      clock.wallMsOf(nextFiringMs(SCHEDULES[schedule].expression, now) - now),
    );
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      fire(schedule).catch(() => undefined); // failures are printed and counted as Errors
      arm(schedule);
    }, delay);
    timers.add(timer);
  };
  if (options.autoFire ?? true) {
    for (const schedule of options.schedules ?? (Object.keys(SCHEDULES) as ScheduleName[])) arm(schedule);
    // Once a minute of local time, as CloudWatch samples; at most once a second of wall-clock time.
    const evaluator = setInterval(
      () =>
        void evaluateAlarms().catch((error: unknown) => print(`alarm evaluation failed: ${String(error)}`)),
      Math.max(1_000, clock.wallMsOf(60_000)),
    );
    timers.add(evaluator);
  }

  return {
    alarms,
    fire,
    invoke,
    ingestFunctionOutput,
    recordInvocation,
    evaluateAlarms,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      for (const { stream, write, divert } of diverted) if (stream.write === divert) stream.write = write;
    },
  };
}
