/**
 * `npm start`: the local runtime. Starts the local infrastructure (DynamoDB Local and fauxqs)
 * with every catalogue resource, fires the schedules at the real expander and monitor handlers,
 * evaluates the catalogue's alarms on what they emit, and waits for Ctrl-C. The scrapers, the
 * API and the web page join it as they are built.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  PRIORITIES,
  SCHEDULES,
  type ScheduleName,
  SEVERITIES,
  TABLES,
  type TableName,
} from '../shared/aws/index.ts';
import { type LocalInfrastructure, startLocalInfrastructure } from './infrastructure.ts';
import { startLocalRuntime } from './runtime.ts';
import { nextFiringMs } from './schedule-clock.ts';

const USAGE = `Usage: npm start -- [options]

Runs Shelfwatch on this machine with no AWS account.

Options:
  --data-dir <folder>  where DynamoDB Local and fauxqs keep data between starts (default: .shelfwatch/data)
  --in-memory          keep nothing: data is gone when you stop
  --reset              delete the data folder before starting
  --stage <name>       stage used in resource names (default: local)
  -h, --help           show this help`;

interface StartOptions {
  readonly dataDir: string | undefined;
  readonly reset: boolean;
  readonly stage: string;
}

function readOptions(argv: string[]): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      stage: { type: 'string', default: 'local' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values['in-memory'] && values['data-dir']) {
    throw new TypeError('--in-memory and --data-dir exclude each other: choose one');
  }
  return {
    dataDir: values['in-memory'] ? undefined : path.resolve(values['data-dir'] ?? '.shelfwatch/data'),
    reset: values.reset,
    stage: values.stage,
  };
}

function describe(local: LocalInfrastructure, dataDir: string | undefined): string {
  const lines = [
    '',
    'Shelfwatch is running locally.',
    '',
    `  DynamoDB Local   ${local.endpoints.dynamodb}   (pid ${local.dynamoDbPid})`,
    `  fauxqs           ${local.endpoints.sqs}   (SQS, SNS and S3)`,
    `  data             ${dataDir ?? 'in memory (gone on stop)'}`,
    '',
    'Tables:',
    ...(Object.keys(TABLES) as TableName[]).map(
      (table) => `  ${table.padEnd(12)} ${local.resources.tables[table]}`,
    ),
    '',
    'Queues (each with its dead-letter queue):',
    ...PRIORITIES.map((priority) => {
      const queue = local.resources.queues[priority];
      return `  ${priority.padEnd(12)} ${queue.name}  ->  ${queue.deadLetterName}`;
    }),
    '',
    'Buckets:',
    ...Object.entries(local.resources.buckets).map(([bucket, name]) => `  ${bucket.padEnd(12)} ${name}`),
    '',
    'Alarm topics:',
    ...SEVERITIES.map((severity) => `  ${severity.padEnd(12)} ${local.resources.topics[severity]}`),
    '',
    'Use them from another shell with the AWS CLI or SDK:',
    `  export AWS_REGION=${local.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_DYNAMODB=${local.endpoints.dynamodb} AWS_ENDPOINT_URL_SQS=${local.endpoints.sqs}`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

function describeSchedules(logFile: string): string {
  const now = Date.now();
  return [
    'Schedules (UTC, as EventBridge Scheduler would fire them):',
    ...(Object.keys(SCHEDULES) as ScheduleName[]).map((name) => {
      const next = new Date(nextFiringMs(SCHEDULES[name].expression, now)).toISOString().slice(11, 16);
      return `  ${name.padEnd(12)} ${SCHEDULES[name].expression.padEnd(20)} next ${next}Z, and once now`;
    }),
    '',
    `Function logs and metrics (JSON): ${logFile}`,
    'Alarms are evaluated every minute from the same definitions CDK deploys; changes print here.',
    '',
  ].join('\n');
}

function summarize(schedule: ScheduleName, report: unknown): string {
  const value = report as {
    slots?: { slot: string; created: number }[];
    requeued?: unknown[];
    markedDeadLettered?: unknown[];
  };
  if (schedule === 'expander') {
    const created = (value.slots ?? []).reduce((sum, slot) => sum + slot.created, 0);
    return `${value.slots?.length ?? 0} slot(s) expanded, ${created} run(s) created`;
  }
  return `${value.requeued?.length ?? 0} re-queued, ${value.markedDeadLettered?.length ?? 0} marked dead-lettered`;
}

async function main(): Promise<void> {
  let options: StartOptions;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.reset && options.dataDir) {
    rmSync(options.dataDir, { recursive: true, force: true });
    console.log(`Reset: deleted ${options.dataDir}`);
  }
  console.log('Starting DynamoDB Local and fauxqs...');
  const local = await startLocalInfrastructure({ stage: options.stage, dataDir: options.dataDir });
  const logFile = path.resolve(
    options.dataDir ? path.join(options.dataDir, '..', 'logs') : '.shelfwatch/logs',
    'functions.log',
  );
  const runtime = await startLocalRuntime({ infrastructure: local, logFile });
  console.log(describe(local, options.dataDir));
  console.log(describeSchedules(logFile));
  // The first firings happen now, so the pipeline does not wait for the next hour to show life.
  for (const schedule of Object.keys(SCHEDULES) as ScheduleName[]) {
    runtime.fire(schedule).then(
      (report) => console.log(`✓ ${schedule} fired: ${summarize(schedule, report)}`),
      () => undefined, // printed by the runtime
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    try {
      await runtime.stop();
      await local.stop();
      console.log('Stopped. Nothing is left running.');
      process.exit(0);
    } catch (error) {
      console.error('Could not stop cleanly:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
