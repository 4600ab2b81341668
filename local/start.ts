/**
 * `npm start`: the whole pipeline on this machine (local/pipeline.ts): emulators, demo shop,
 * schedules, expander, scrapers behind the event source mapping emulation, monitor and alarms,
 * the API and the web page. Prints where everything is and an operator token, then a progress
 * line every few seconds; Ctrl-C stops everything it started.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type LocalPipeline, startLocalPipeline } from './pipeline.ts';
import { nextFiringMs } from './schedule-clock.ts';
import { PortInUseError } from './port-in-use.ts';
import { ClockFileError } from './clock-file.ts';
import { StreamPositionFileError } from './stream-positions.ts';
import { PRIORITIES } from '../shared/definitions/index.ts';
import {
  type ScheduleName,
  SCHEDULES,
  SEVERITIES,
  type TableName,
  TABLES,
  webhookDeadLetterQueueName,
  webhookQueueName,
} from '../shared/catalogue/index.ts';

const USAGE = `Usage: npm start -- [options]

Runs Shelfwatch on this machine with no AWS account: DynamoDB Local and fauxqs, a demo shop to
scrape, the expander, scrapers, monitor and alarms, the API and the web page.

Options:
  --data-dir <folder>    where data is kept between starts (default: .shelfwatch/data)
  --in-memory            keep nothing: data is gone when you stop
  --reset                delete the data folder before starting
  --slot-every <seconds> let an hour pass every <seconds> (demos): a new slot is expanded each time
  --scrapers <n>         scraper processes at most, each with its own Chromium (default: 2)
  --api-port <port>      port of the API and web page (default: 4000; 0: any free port)
  --shop-port <port>     port of the demo shop (default: 4100; 0: any free port)
  --stage <name>         stage used in resource names (default: local)
  -h, --help             show this help`;

interface StartOptions {
  readonly dataDir: string | undefined;
  readonly reset: boolean;
  readonly stage: string;
  readonly slotEverySeconds: number | undefined;
  readonly scrapers: number;
  readonly apiPort: number;
  readonly shopPort: number;
}

function integerOption(name: string, value: string | undefined, min: number, max: number, fallback: number) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new TypeError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return number;
}

function readOptions(argv: string[]): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      stage: { type: 'string', default: 'local' },
      'slot-every': { type: 'string' },
      scrapers: { type: 'string' },
      'api-port': { type: 'string' },
      'shop-port': { type: 'string' },
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
  const slotEvery = values['slot-every'];
  return {
    dataDir: values['in-memory'] ? undefined : path.resolve(values['data-dir'] ?? '.shelfwatch/data'),
    reset: values.reset,
    stage: values.stage,
    slotEverySeconds:
      slotEvery === undefined ? undefined : integerOption('slot-every', slotEvery, 5, 3600, 3600),
    scrapers: integerOption('scrapers', values.scrapers, 1, 17, 2),
    apiPort: integerOption('api-port', values['api-port'], 0, 65_535, 4000),
    shopPort: integerOption('shop-port', values['shop-port'], 0, 65_535, 4100),
  };
}

function describe(pipeline: LocalPipeline, options: StartOptions): string {
  const { infrastructure: local } = pipeline;
  const lines = [
    '',
    'Shelfwatch is running locally.',
    '',
    `  API              ${pipeline.api.url}`,
    `  web page         ${pipeline.api.url}/`,
    `  operator token   ${pipeline.operatorToken.token}`,
    `                   ${pipeline.operatorToken.file ? `(kept in ${pipeline.operatorToken.file})` : '(in memory: a new one each start)'}`,
    `  demo shop        ${pipeline.shop.url}   (Amazon, Ozon and 1688 are pointed here)`,
    `  run events       ${pipeline.bus.endpoint}   (EventBridge PutEvents${options.dataDir ? `, kept in ${path.join(options.dataDir, 'events.jsonl')}` : ''})`,
    `  DynamoDB Local   ${local.endpoints.dynamodb}   (pid ${local.dynamoDbPid})`,
    `  fauxqs           ${local.endpoints.sqs}   (SQS, SNS and S3)`,
    `  data             ${options.dataDir ?? 'in memory (gone on stop)'}`,
    `  function logs    ${pipeline.logFile}`,
    '',
    `  curl -H "Authorization: Bearer ${pipeline.operatorToken.token}" ${pipeline.api.url}/runs`,
    '',
    'Tables:',
    ...(Object.keys(TABLES) as TableName[]).map(
      (table) => `  ${table.padEnd(12)} ${local.resources.tables[table]}`,
    ),
    '',
    'Queues (browser, HTTP; both with the dead-letter queue of their priority):',
    ...PRIORITIES.map((priority) => {
      const queue = local.resources.queues[priority];
      return `  ${priority.padEnd(12)} ${queue.name}, ${queue.httpName}  ->  ${queue.deadLetterName}`;
    }),
    `  ${'webhooks'.padEnd(12)} ${webhookQueueName(local.stage)}  ->  ${webhookDeadLetterQueueName(local.stage)}   (rule webhooks from ${pipeline.webhooksFile})`,
    '',
    'Buckets:',
    ...Object.entries(local.resources.buckets).map(([bucket, name]) => `  ${bucket.padEnd(12)} ${name}`),
    '',
    'Alarm topics:',
    ...SEVERITIES.map((severity) => `  ${severity.padEnd(12)} ${local.resources.topics[severity]}`),
    `Alerts topic (fired rules): ${local.resources.alertTopic}`,
    '',
    'Use them from another shell with the AWS CLI or SDK:',
    `  export AWS_REGION=${local.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_DYNAMODB=${local.endpoints.dynamodb} AWS_ENDPOINT_URL_SQS=${local.endpoints.sqs}`,
    '',
    describeSchedules(options),
    pipeline.seeded > 0
      ? `Watch list: ${pipeline.seeded} demo definitions created (first start).`
      : 'Watch list: kept from the last start.',
    pipeline.seededRules > 0
      ? `Rules: ${pipeline.seededRules} demo rules created (price drop ≥ 5 %, back in stock, into the kitchen top 3).`
      : 'Rules: kept from the last start.',
    'The demo shop moves prices, stock and listing order at every new slot; changes appear in the',
    'progress line ("changes: N") and with:',
    `  SHELFWATCH_ENDPOINT=${pipeline.api.url} SHELFWATCH_TOKEN=${pipeline.operatorToken.token} npx shelfwatch changes`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

function describeSchedules(options: StartOptions): string {
  if (options.slotEverySeconds) {
    return [
      `Clock: an hour passes every ${options.slotEverySeconds} s. Each new slot is expanded (expandSlot),`,
      `the monitor fires every 5 local minutes, alarms are judged in local time.`,
      '',
    ].join('\n');
  }
  const now = Date.now();
  return [
    'Schedules (UTC, as EventBridge Scheduler would fire them):',
    ...(Object.keys(SCHEDULES) as ScheduleName[]).map((name) => {
      const next = new Date(nextFiringMs(SCHEDULES[name].expression, now)).toISOString().slice(11, 16);
      return `  ${name.padEnd(12)} ${SCHEDULES[name].expression.padEnd(20)} next ${next}Z, and once now`;
    }),
    'Alarms are evaluated every minute from the same definitions CDK deploys; changes print here.',
    '',
  ].join('\n');
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
  console.log('Starting DynamoDB Local, fauxqs, the demo shop, the API and the scrapers...');
  const starting = startLocalPipeline({
    stage: options.stage,
    dataDir: options.dataDir,
    logDir: options.dataDir ? path.join(options.dataDir, '..', 'logs') : path.resolve('.shelfwatch/logs'),
    apiPort: options.apiPort,
    shopPort: options.shopPort,
    scrapers: options.scrapers,
    ...(options.slotEverySeconds ? { slotEverySeconds: options.slotEverySeconds } : {}),
    print: (line) => console.log(line),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    try {
      // Ctrl-C while starting: what has started is stopped by the start's own failure path or here.
      const pipeline = await starting.catch(() => undefined);
      await pipeline?.stop();
      console.log('Stopped. Nothing is left running.');
      process.exit(0);
    } catch (error) {
      console.error('Could not stop cleanly:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const pipeline = await starting;
  if (stopping) return;
  console.log(describe(pipeline, options));
}

main().catch((error: unknown) => {
  if (
    error instanceof PortInUseError ||
    error instanceof ClockFileError ||
    error instanceof StreamPositionFileError
  ) {
    // An everyday situation (a port taken, a data folder's file edited by hand), not a bug: say
    // what to do, no stack. What had started is stopped.
    console.error(`Cannot start: ${error.message}.\nEverything started before was stopped.`);
    process.exit(1);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
