/**
 * `npm start`: the local runtime. Today it starts the local infrastructure (DynamoDB Local and
 * fauxqs) with every catalogue resource, prints where each piece listens, and waits for Ctrl-C.
 * The expander, scrapers, monitor, API and web page join it as they are built.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PRIORITIES, SEVERITIES, TABLES, type TableName } from '../shared/aws/index.ts';
import { type LocalInfrastructure, startLocalInfrastructure } from './infrastructure.ts';

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
  console.log(describe(local, options.dataDir));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    try {
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
