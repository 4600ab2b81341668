/** `shelfwatch dlq peek|redrive`, `workers list`, `stats` */
import type { Command } from 'commander';
import { contextOf, wholeNumber } from '../context.ts';
import { usageError } from '../exit-codes.ts';
// The file, not the index: the definitions index loads the DynamoDB SDK, which no command here uses.
import { PRIORITIES, type Priority } from '../../shared/definitions/priority.ts';
import type { FiringAlarm, PipelineStatsReport } from '../../shared/monitoring/index.ts';

interface DeadLetterView {
  readonly messageId: string;
  readonly runId?: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
}

interface WorkerView {
  readonly workerId: string;
  readonly name?: string;
  readonly status: string;
  readonly lastHeartbeatAt: string;
  readonly successRate: number | null;
  readonly currentRunId?: string;
  readonly succeeded: number;
  readonly failed: number;
}

function priorityArgument(value: string): Priority {
  const priority = PRIORITIES.find((candidate) => candidate === value);
  if (!priority) throw usageError(`the priority must be ${PRIORITIES.join(', ')} (got "${value}")`);
  return priority;
}

export function addOperationCommands(program: Command): void {
  const dlq = program.command('dlq').description('Dead-letter queues: peek, redrive');
  dlq
    .command('peek')
    .description('Show DLQ depths, and up to 10 messages of each (or of one priority); nothing moves')
    .argument('[priority]', 'high, normal or low (default: all)')
    .option('--limit <n>', 'messages per DLQ (1-10, default 10)', wholeNumber('--limit', 1, 10))
    .action(async (priority: string | undefined, options: { limit?: number }, command: Command) => {
      const { output, client } = contextOf(command);
      const api = client();
      const priorities = priority ? [priorityArgument(priority)] : PRIORITIES;
      const depths = await api.get<Record<string, { messages: number }>>('/dlq');
      const result: Record<string, { depth: number; messages: DeadLetterView[] }> = {};
      for (const p of priorities) {
        const depth = depths[p]?.messages ?? 0;
        const messages =
          depth > 0
            ? (
                await api.get<{ messages: DeadLetterView[] }>(`/dlq/${p}/messages`, {
                  limit: options.limit ?? 10,
                })
              ).messages
            : [];
        result[p] = { depth, messages };
      }
      output.result(result, () => {
        for (const [p, { depth, messages }] of Object.entries(result)) {
          output.line(`${p}: ${depth} message${depth === 1 ? '' : 's'}`);
          if (messages.length > 0) {
            output.table(
              ['message', 'run', 'sent', 'receives'],
              messages.map((m) => [m.messageId, m.runId ?? '(not a run message)', m.sentAt, m.receiveCount]),
            );
          }
        }
      });
    });
  dlq
    .command('redrive')
    .description(
      'Move one message (--message) or all (--all) of a DLQ back to its queue; DEAD_LETTERED runs reopen',
    )
    .argument('<priority>', 'high, normal or low')
    .option('--message <id>', 'the message id (from dlq peek)')
    .option('--all', 'every message of that DLQ (up to 500 per call)')
    .action(async (priority: string, options: { message?: string; all?: boolean }, command: Command) => {
      const { output, client } = contextOf(command);
      priorityArgument(priority);
      if (Boolean(options.message) === Boolean(options.all)) throw usageError('give --message <id> or --all');
      const answer = await client().post<{
        redriven: { messageId: string; runId?: string; reopened: boolean }[];
      }>(`/dlq/${priority}/redrive`, options.all ? { all: true } : { messageId: options.message });
      output.result(answer, () => {
        output.line(`Redrove ${answer.redriven.length} message${answer.redriven.length === 1 ? '' : 's'}.`);
        for (const r of answer.redriven)
          output.line(`  ${r.runId ?? r.messageId}${r.reopened ? ' (run reopened)' : ''}`);
      });
    });

  program
    .command('workers')
    .description('External browser workers')
    .command('list')
    .description('List workers: status, last heartbeat, success rate, current task')
    .action(async (_options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const api = client();
      const workers: WorkerView[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<{ workers: WorkerView[]; cursor?: string }>('/workers', {
          limit: 1000,
          cursor,
        });
        workers.push(...page.workers);
        cursor = page.cursor;
      } while (cursor);
      output.result({ workers }, () =>
        output.table(
          ['worker', 'status', 'last heartbeat', 'success', 'done/failed', 'task'],
          workers.map((w) => [
            w.workerId,
            w.status,
            w.lastHeartbeatAt,
            w.successRate === null ? '-' : `${Math.round(w.successRate * 100)}%`,
            `${w.succeeded}/${w.failed}`,
            w.currentRunId,
          ]),
          'No workers have registered.',
        ),
      );
    });

  program
    .command('stats')
    .description('Runs per status, queue and DLQ depths, workers, and alarms in ALARM')
    .option('--from <time>', 'count runs whose status changed since this ISO time')
    .action(async (options: { from?: string }, command: Command) => {
      const { output, client } = contextOf(command);
      const api = client();
      const [stats, alarms] = await Promise.all([
        api.get<PipelineStatsReport>('/stats', { from: options.from }),
        api.get<{ available: boolean; alarms: FiringAlarm[] }>('/alarms'),
      ]);
      output.result({ ...stats, alarms }, () => {
        output.line(`At ${stats.at}`);
        output.line();
        output.table(['status', 'runs'], Object.entries(stats.runsByStatus));
        output.line();
        output.table(
          ['queue', 'visible', 'in flight', 'delayed', 'dlq'],
          Object.entries(stats.queues).map(([p, q]) => [p, q.visible, q.inFlight, q.delayed, q.deadLetters]),
        );
        output.line();
        output.line(
          `Workers: ${stats.workers.idle} idle, ${stats.workers.busy} busy, ${stats.workers.offline} offline`,
        );
        if (!alarms.available) output.line('Alarms: not available from this deployment');
        else if (alarms.alarms.length === 0) output.line('Alarms: none in ALARM');
        else {
          output.line('Alarms in ALARM:');
          for (const a of alarms.alarms)
            output.line(`  ${a.name} (${a.severity}): runbook docs/runbooks/${a.runbook}.md`);
        }
      });
    });
}
