/**
 * The whole pipeline on one machine: DynamoDB Local and fauxqs with every catalogue resource,
 * the demo shop, the run events bus, the schedules (wall clock, or an hour every N seconds), the
 * expander and the monitor in-process, the scrapers in worker processes fed by the event source
 * mapping emulation, alarm evaluation, and the API. Used by `npm start` and by the e2e test.
 * Nothing in functions/ knows it runs here: it sees the environment and the AWS SDK endpoints a
 * Lambda of the stack would, pointed at the emulators.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSRecord } from 'aws-lambda';
import { type DemoShop, type FaultRule, startDemoShop } from '../demo-shop/index.ts';
import { createApiDependencies } from '../shared/api/index.ts';
import { createAwsClients, EVENT_BUS_VARIABLE, resourceEnvironment } from '../shared/aws/index.ts';
import { FolderHistoryDestination, FolderHistoryExports, HISTORY_STREAMS } from '../shared/history/index.ts';
import { createStores } from '../shared/stores/index.ts';
import { addSlots, HOUR_MS, type Slot, slotOf, slotStartMs } from '../shared/schedule/index.ts';
import type { NewRule } from '../shared/rules/index.ts';
import { SCRAPER_VARIABLES } from '../shared/scraping/index.ts';
import { type ApiServer, startApiServer } from './api-server.ts';
import { startOnPort } from './port-in-use.ts';
import { DEMO_RULES, DEMO_WATCH_LIST, demoShopOrigins, seedRules, seedWatchList } from './demo-watch-list.ts';
import { type LocalEventBus, startLocalEventBus } from './event-bus.ts';
import { HistoryPump } from './history-pump.ts';
import { LocalHistoryCompactor } from './history-compactor.ts';
import { ChangesPump } from './changes-pump.ts';
import { createNotifierDependencies } from '../shared/alerts/index.ts';
import { createMetrics, publishDatapoints } from '../shared/monitoring/index.ts';
import { LOCAL_CREDENTIALS } from './emulators.ts';
import { EventSourceMappings, type MappingVisibility } from './event-source-mapping.ts';
import { type LocalInfrastructure, startLocalInfrastructure } from './infrastructure.ts';
import { acceleratedClock, type LocalClock, wallClock } from './local-clock.ts';
import { ClockFile } from './clock-file.ts';
import { localOperatorToken } from './operator-token.ts';
import { countRunsByStatus, formatProgress, itemsSavedOf, type Progress } from './progress.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';
import { LOCAL_FUNCTION_VARIABLE, ScraperPool } from './scraper-pool.ts';
import { PRIORITIES, type Priority } from '../shared/definitions/index.ts';
import { type ExpandedSlot, startSlotFirings } from './slot-firings.ts';
import {
  ALARMS,
  FUNCTIONS,
  QUEUES,
  resourceName,
  RUN_EVENTS_BUS,
  SCHEDULES,
  type ScheduleName,
} from '../shared/catalogue/index.ts';
import { localAlarmSource } from './alarm-evaluator.ts';
import { readWebhooksFile, WEBHOOK_VARIABLES, webhookSenderPort } from '../shared/webhooks/index.ts';
import { type SqsHandler, WebhookQueueMapping } from './webhook-mapping.ts';

/** Timings of the local scrapers; see docs/local-runtime.md for why each is what it is. */
export interface ScraperTimings {
  readonly leaseSeconds: number;
  readonly navigationTimeoutSeconds: number;
  readonly visibility: MappingVisibility;
}

/**
 * Lease < the time a crashed consumer's message takes to come back (extendTo − extendEvery), so
 * the message finds the lease expired and resumes the run; lease > a navigation timeout plus a
 * page's work, so a live holder keeps it between checkpoints.
 */
export const LOCAL_SCRAPER_TIMINGS: ScraperTimings = {
  leaseSeconds: 20,
  navigationTimeoutSeconds: 10,
  visibility: { receiveSeconds: 3, extendToSeconds: 30, extendEverySeconds: 5 },
};

export interface LocalPipelineOptions {
  readonly stage?: string;
  /** Where the emulators, the operator token and events.jsonl live; in memory when absent. */
  readonly dataDir?: string | undefined;
  /** Folder of functions.log. */
  readonly logDir: string;
  /** API port (0: a free one). */
  readonly apiPort?: number;
  /** Demo shop port (0: a free one). */
  readonly shopPort?: number;
  /** An hour every this many seconds; absent: the wall clock. */
  readonly slotEverySeconds?: number;
  /** With slotEverySeconds: the first slot (default: the current UTC hour). */
  readonly firstSlot?: Slot;
  /** Scraper worker processes at most (the local account concurrency). */
  readonly scrapers?: number;
  /** Created on a first start (no definitions yet). Default: the demo watch list. */
  readonly watchList?: readonly unknown[];
  /** Created when the store holds no rule. Default: the demo rules with the demo watch list, else none. */
  readonly rules?: readonly NewRule[];
  readonly shopRules?: readonly FaultRule[];
  readonly timings?: ScraperTimings;
  /** Fault injection for tests and demos. */
  readonly faults?: {
    /** A record for which this returns true kills its scraper process whenever it is delivered. */
    readonly crashOnDelivery?: (record: SQSRecord) => boolean;
    /** Every slot is expanded by two concurrent expander invocations. */
    readonly expandEachSlotTwice?: boolean;
  };
  readonly print?: (line: string) => void;
  /** The rule webhooks (docs/webhooks.md). Default: `webhooks.json` in the data folder (or beside the logs folder). */
  readonly webhooksFile?: string;
  /**
   * The webhook sender's settings for this start (docs/webhooks.md#settings), over the
   * environment's: e.g. a short retry backoff, or the CA of a local https receiver.
   */
  readonly webhookSender?: WebhookSenderSettings;
  /** Progress line period; 0: none. Default 5 s. */
  readonly progressEveryMs?: number;
}

/** Settings of the in-process webhook sender; each is its SHELFWATCH_WEBHOOK_* variable. */
export interface WebhookSenderSettings {
  readonly retryBaseSeconds?: number;
  readonly retryMaxSeconds?: number;
  readonly timeoutMs?: number;
  /** PEM file of CA certificates trusted besides the system's (SHELFWATCH_WEBHOOK_CA_FILE). */
  readonly caFile?: string;
}

/** The variables of the settings given (validated where the sender reads them, naming the variable). */
export const webhookSenderEnvironment = (settings: WebhookSenderSettings = {}): Record<string, string> =>
  Object.fromEntries(
    (['retryBaseSeconds', 'retryMaxSeconds', 'timeoutMs', 'caFile'] as const).flatMap((key) =>
      settings[key] === undefined ? [] : [[WEBHOOK_VARIABLES[key], String(settings[key])]],
    ),
  );

export interface LocalPipeline {
  readonly infrastructure: LocalInfrastructure;
  readonly runtime: LocalRuntime;
  readonly shop: DemoShop;
  readonly bus: LocalEventBus;
  /** The notifier: changes stream → change events, rules, alerts (local/changes-pump.ts). */
  readonly changesPump: ChangesPump;
  readonly api: ApiServer;
  /** The Chromium scraper's event source mappings (browser queues). */
  readonly mappings: EventSourceMappings;
  /** The HTTP-only scraper's event source mappings (HTTP queues). */
  readonly httpMappings: EventSourceMappings;
  /** The webhook sender's event source mapping (webhooks queue). */
  readonly webhookMapping: WebhookQueueMapping;
  /** Where this start reads the rule webhooks from. */
  readonly webhooksFile: string;
  /** Marker prefix (env `SHELFWATCH_LOCAL_SCRAPER`) of every scraper process and its Chromium. */
  readonly scraperMarker: string;
  readonly clock: LocalClock;
  readonly operatorToken: { token: string; file?: string; created: boolean };
  readonly logFile: string;
  /** Definitions created by this start's seeding (0 when some existed). */
  readonly seeded: number;
  /** Rules created by this start's seeding (0 when some existed). */
  readonly seededRules: number;
  /**
   * The demo shop's version of the catalogue for a slot: the slots since this start's first one
   * (0 for the first). The shop moves to it as the slot begins; a scraper session keeps the
   * version it first read (see docs/local-runtime.md).
   */
  shopVersionOf(slot: Slot): number;
  /** Slots expanded by the accelerated clock, in order. */
  readonly expandedSlots: readonly ExpandedSlot[];
  /** Stops expanding new slots (the scrapers keep draining the queues); resolves when none is being expanded. */
  pauseSlots(): Promise<void>;
  progress(): Promise<Progress>;
  stop(): Promise<void>;
}

/** How often `npm start` copies new snapshots and changes from their streams to `<data-dir>/history`. */
const HISTORY_PASS_EVERY_MS = 10_000;
/**
 * How often `npm start` compacts finished days of `<data-dir>/history` (and once at start). A
 * pass over days already compacted only lists their folders; with `--slot-every` a local day
 * passes in 24 × N seconds, so a day is compacted within this long of its end plus the grace.
 */
const HISTORY_COMPACTION_EVERY_MS = 10 * 60_000;
/** How often `npm start` reads the changes stream (the deployed mapping waits up to 5 s too). */
const CHANGES_PASS_EVERY_MS = 2_000;

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stage = options.stage ?? 'local';
  const timings = options.timings ?? LOCAL_SCRAPER_TIMINGS;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => print(`could not stop cleanly: ${String(error)}`));
    }
  };

  // An accelerated clock goes on where the data folder's stopped (read before anything starts: a
  // bad file stops the start with its name and what to do).
  const clockFile =
    options.slotEverySeconds && options.dataDir && !options.firstSlot
      ? new ClockFile(options.dataDir)
      : undefined;
  const savedClock = clockFile?.load();

  try {
    const infrastructure = await startLocalInfrastructure({ stage, dataDir: options.dataDir });
    stops.push(() => infrastructure.stop());
    if (options.dataDir) {
      // Stopped after the scrapers (stops run in reverse), with one last pass over each stream.
      for (const stream of HISTORY_STREAMS) {
        const pump = new HistoryPump({
          dynamodb: infrastructure.clients.dynamodb,
          endpoint: infrastructure.endpoints.dynamodb,
          tableName: infrastructure.resources.tables[stream.source],
          destination: new FolderHistoryDestination(path.join(options.dataDir, 'history')),
          history: stream.table,
          positionFile: path.join(options.dataDir, 'streams', `history-${stream.table.name}.json`),
        });
        pump.start(HISTORY_PASS_EVERY_MS, (error) =>
          print(`history (${stream.table.name}): a pass failed (the next retries it): ${String(error)}`),
        );
        stops.push(() => pump.stop());
      }
    }
    const shopPort = options.shopPort ?? 0;
    const shop = await startOnPort('shop', shopPort, () =>
      startDemoShop({ port: shopPort, rules: options.shopRules ?? [], pinVersionPerSession: true }),
    );
    stops.push(() => shop.stop());
    // The one loopback host:port the SSRF guard lets through, for the scrapers and the API alike.
    const shopHost = `127.0.0.1:${shop.port}`;
    const bus = await startLocalEventBus(
      options.dataDir ? { file: path.join(options.dataDir, 'events.jsonl') } : {},
    );
    stops.push(() => bus.stop());

    const webhooksFile =
      options.webhooksFile ?? path.join(options.dataDir ?? path.dirname(options.logDir), 'webhooks.json');
    const busName = resourceName(stage, RUN_EVENTS_BUS.name);
    const environment: Record<string, string> = {
      ...infrastructure.environment,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      [EVENT_BUS_VARIABLE]: busName,
      [SCRAPER_VARIABLES.siteOrigins]: JSON.stringify(demoShopOrigins(shop.url)),
      [SCRAPER_VARIABLES.allowHosts]: shopHost,
      [SCRAPER_VARIABLES.leaseSeconds]: String(timings.leaseSeconds),
      [SCRAPER_VARIABLES.navigationTimeoutSeconds]: String(timings.navigationTimeoutSeconds),
      // Politeness is for real sites: the demo shop on loopback takes what the scrapers ask.
      [SCRAPER_VARIABLES.domainRatePerSecond]: '50',
      [SCRAPER_VARIABLES.domainBurst]: '50',
      AWS_LAMBDA_FUNCTION_NAME: resourceName(stage, 'scraper'),
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS.scraper.memoryMb),
      // Local only (CDK never sets them): webhooks from a file, and the loopback receivers that
      // file names (http or https) past the SSRF guard (the file is the operator's explicit choice).
      [WEBHOOK_VARIABLES.webhooksFile]: webhooksFile,
      [WEBHOOK_VARIABLES.allowHosts]: readWebhooksFile(webhooksFile).loopbackHosts().join(','),
      ...webhookSenderEnvironment(options.webhookSender),
    };

    // Local time starts once the emulators are up, so a slow start does not eat the first slot.
    const resumeAt = options.firstSlot ?? savedClock?.nextSlot;
    const clock = options.slotEverySeconds
      ? acceleratedClock(options.slotEverySeconds, resumeAt ? { firstSlot: resumeAt } : {})
      : wallClock;
    const firstSlot = slotOf(clock.now());
    // The demo shop's version 0 is the slot the folder's clock first started at.
    const versionOrigin = savedClock?.firstSlot ?? firstSlot;
    const shopVersionOf = (slot: Slot): number =>
      Math.max(0, Math.round((slotStartMs(slot) - slotStartMs(versionOrigin)) / HOUR_MS));
    if (savedClock) {
      print(
        `Clock: going on at slot ${savedClock.nextSlot}, after the slots this data folder already has ` +
          `(its clock started at ${savedClock.firstSlot}; ${clockFile?.file}).`,
      );
    }
    let clockSaved = Promise.resolve();
    const saveClock = (expanded: Slot) => {
      if (!clockFile) return;
      const next = { firstSlot: versionOrigin, nextSlot: addSlots(expanded, 1) };
      clockSaved = clockSaved
        .then(() => clockFile.save(next))
        .catch((error: unknown) => print(`could not save the clock in ${clockFile.file}: ${String(error)}`));
    };
    const logFile = path.join(options.logDir, 'functions.log');
    const accelerated = clock.speed !== 1;
    // Heartbeat alarms are not judged on an accelerated clock: `expandSlot` (how it expands its
    // slots) emits no expander heartbeat, and the monitor's 15 local minutes of silence last under
    // 4 s of wall time (N/4), less than one tick can take on a loaded machine — the alarm would
    // judge the machine's load, not whether the monitor runs. The rate alarms the monitor feeds
    // still prove that it does. The history compactor's 26 local hours pass in 26 N seconds,
    // less than its 10 minutes between passes; with no data folder there is no history to compact.
    const { HistoryCompactorHeartbeatMissing: _compactorHeartbeat, ...alarmsButCompactor } = ALARMS;
    const {
      ExpanderHeartbeatMissing: _expanderNotJudged,
      MonitorHeartbeatMissing: _monitorNotJudged,
      ...acceleratedAlarms
    } = alarmsButCompactor;
    // historyCompactor's schedule compacts the history bucket; here the history is a folder,
    // compacted by LocalHistoryCompactor below with the same code.
    const localSchedules = (Object.keys(SCHEDULES) as ScheduleName[]).filter(
      (schedule) => SCHEDULES[schedule].target !== 'historyCompactor',
    );
    const runtime = await startLocalRuntime({
      infrastructure,
      logFile,
      print,
      clock,
      environment,
      ...(accelerated
        ? { schedules: ['monitor'] as ScheduleName[], alarms: acceleratedAlarms }
        : { schedules: localSchedules, alarms: options.dataDir ? ALARMS : alarmsButCompactor }),
    });
    stops.push(() => runtime.stop());
    if (options.dataDir) {
      const compactorMetrics = createMetrics(stage);
      const compactor = new LocalHistoryCompactor({
        store: new FolderHistoryDestination(path.join(options.dataDir, 'history')),
        now: () => clock.now(),
        onPass: ({ compacted }) => {
          // The deployed compactor's heartbeat, so HistoryCompactorHeartbeatMissing judges this one.
          publishDatapoints(compactorMetrics, [
            { name: 'HistoryCompactorHeartbeat', unit: 'Count', value: 1 },
          ]);
          if (compacted.length === 0) return;
          print(
            `history: compacted ${compacted.length} partition(s) of finished days ` +
              `(${compacted.reduce((sum, done) => sum + done.files.length, 0)} files → ${compacted.length})`,
          );
        },
      });
      compactor.start(HISTORY_COMPACTION_EVERY_MS, (error) =>
        print(`history compaction: a pass failed (the next retries it): ${String(error)}`),
      );
      stops.push(() => compactor.stop());
    }

    const pool = new ScraperPool({
      size: options.scrapers ?? 2,
      environment,
      output: (chunk) => runtime.ingestFunctionOutput(chunk),
    });
    const mappings = new EventSourceMappings({
      sqs: infrastructure.clients.sqs,
      region: infrastructure.region,
      queues: infrastructure.resources.queues,
      pool,
      functionTimeoutSeconds: FUNCTIONS.scraper.timeoutSeconds,
      visibility: timings.visibility,
      ...(options.faults?.crashOnDelivery ? { crashOnDelivery: options.faults.crashOnDelivery } : {}),
      onInvocation: (report) => {
        runtime.recordInvocation('scraper', {
          startedAtMs: report.startedAtMs,
          durationMs: report.durationMs,
          failed: report.error !== undefined,
        });
        if (report.error)
          print(`✗ scraper invocation on the ${report.priority} queue failed: ${firstLine(report.error)}`);
      },
      onError: (error) => print(`event source mapping: ${String(error)}`),
    });
    stops.push(() => mappings.stop());

    // The HTTP-only scraper: its own warm containers (no Chromium), fed by the HTTP queues.
    const httpPool = new ScraperPool({
      size: options.scrapers ?? 2,
      environment: {
        ...environment,
        [LOCAL_FUNCTION_VARIABLE]: 'httpScraper',
        AWS_LAMBDA_FUNCTION_NAME: resourceName(stage, 'httpScraper'),
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS.httpScraper.memoryMb),
      },
      output: (chunk) => runtime.ingestFunctionOutput(chunk),
    });
    const httpMappings = new EventSourceMappings({
      sqs: infrastructure.clients.sqs,
      region: infrastructure.region,
      queues: Object.fromEntries(
        PRIORITIES.map((priority) => {
          const queue = infrastructure.resources.queues[priority];
          return [priority, { url: queue.httpUrl, arn: queue.httpArn }];
        }),
      ) as Record<Priority, { url: string; arn: string }>,
      maxConcurrency: Object.fromEntries(
        PRIORITIES.map((priority) => [priority, QUEUES[priority].httpMaxConcurrency]),
      ),
      pool: httpPool,
      functionTimeoutSeconds: FUNCTIONS.httpScraper.timeoutSeconds,
      visibility: timings.visibility,
      ...(options.faults?.crashOnDelivery ? { crashOnDelivery: options.faults.crashOnDelivery } : {}),
      onInvocation: (report) => {
        runtime.recordInvocation('httpScraper', {
          startedAtMs: report.startedAtMs,
          durationMs: report.durationMs,
          failed: report.error !== undefined,
        });
        if (report.error)
          print(
            `✗ HTTP scraper invocation on the ${report.priority} HTTP queue failed: ${firstLine(report.error)}`,
          );
      },
      onError: (error) => print(`event source mapping (HTTP): ${String(error)}`),
    });
    stops.push(() => httpMappings.stop());

    // The webhook sender, in this process (the runtime has set its environment).
    const sender = (await import('../functions/webhook-sender/handler.ts')) as { handler: SqsHandler };
    const webhookMapping = new WebhookQueueMapping({
      sqs: infrastructure.clients.sqs,
      region: infrastructure.region,
      queue: { url: infrastructure.resources.webhooks.url, arn: infrastructure.resources.webhooks.arn },
      handler: sender.handler,
      onInvocation: (report) => {
        if (report.error) print(`✗ webhook sender invocation failed: ${firstLine(report.error)}`);
      },
      onError: (error) => print(`event source mapping (webhooks): ${String(error)}`),
    });
    stops.push(() => webhookMapping.stop());

    const resources = resourceEnvironment(environment);
    const eventsClient = createAwsClients({
      region: infrastructure.region,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { events: bus.endpoint },
    });
    stops.push(() => Promise.resolve(eventsClient.destroy()));
    // The notifier: change events on this runtime's bus, alerts on fauxqs's alerts topic.
    const changesPump = new ChangesPump({
      dynamodb: infrastructure.clients.dynamodb,
      endpoint: infrastructure.endpoints.dynamodb,
      tableName: infrastructure.resources.tables.changes,
      // A restart on the same data folder resumes after the last change notified (none twice in events.jsonl).
      positionFile: options.dataDir && path.join(options.dataDir, 'streams', 'notifier.json'),
      notifier: createNotifierDependencies(
        resources,
        { ...infrastructure.clients, events: eventsClient.events },
        {
          // Firings naming webhooks: one delivery each on fauxqs's webhooks queue (the sender above).
          sendToWebhooks: webhookSenderPort({
            sqs: infrastructure.clients.sqs,
            queueUrl: infrastructure.resources.webhooks.url,
          }),
          warn: (message, details) => print(`notifier: ${message} ${JSON.stringify(details)}`),
        },
      ),
      onBatchFailure: (sequenceNumber, error) =>
        print(`notifier: a batch is retried from record ${sequenceNumber}: ${String(error)}`),
    });
    changesPump.start(CHANGES_PASS_EVERY_MS, (error) =>
      print(`notifier: a pass failed (the next retries it): ${String(error)}`),
    );
    stops.push(() => changesPump.stop());
    // The API's stores publish run summaries on this runtime's own event bus.
    const stores = createStores(resources, { ...infrastructure.clients, events: eventsClient.events });
    // GET /exports reads the data folder's history; in memory there is none: an empty folder.
    let historyFolder = options.dataDir && path.join(options.dataDir, 'history');
    if (!historyFolder) {
      const empty = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-'));
      stops.push(() => rm(empty, { recursive: true, force: true }));
      historyFolder = empty;
    }
    const dependencies = createApiDependencies(stores, resources, infrastructure.clients, {
      urlCheck: { allowHosts: [shopHost] },
      historyExports: new FolderHistoryExports(historyFolder),
      logError: (message, details) => print(`API: ${message} ${JSON.stringify(details)}`),
      // The web page's "alarms in ALARM": the alarms this runtime evaluates from the catalogue.
      alarmSource: localAlarmSource(infrastructure.stage, runtime.alarms),
    });
    const apiPort = options.apiPort ?? 0;
    const api = await startOnPort('api', apiPort, () => startApiServer({ port: apiPort, dependencies }));
    stops.push(() => api.stop());
    const operatorToken = await localOperatorToken(dependencies.tokens, options.dataDir, Date.now());
    const seeded = await seedWatchList(stores.definitions, options.watchList ?? DEMO_WATCH_LIST, Date.now());
    const rules = options.rules ?? (options.watchList ? [] : DEMO_RULES);
    const seededRules = rules.length > 0 ? await seedRules(stores.rules, rules, Date.now()) : 0;

    mappings.start();
    httpMappings.start();
    webhookMapping.start();
    const slots = startSlotFirings({
      runtime,
      clock,
      firstSlot,
      accelerated,
      print,
      twice: options.faults?.expandEachSlotTwice === true,
      onSlot: (slot) => shop.setVersion(shopVersionOf(slot)),
      onExpanded: saveClock,
    });
    stops.push(async () => {
      await slots.stop();
      await clockSaved;
    });

    const progress = async (): Promise<Progress> => ({
      runs: await countRunsByStatus(infrastructure.clients.documents, infrastructure.resources.tables.runs),
      itemsSaved: itemsSavedOf(bus.events),
      changes: changesPump.totals.changesSinceStart,
      events: bus.events.length,
      alertsFired: changesPump.totals.rulesFired,
      scrapersRunning: mappings.running().length + httpMappings.running().length,
    });
    const progressEveryMs = options.progressEveryMs ?? 5_000;
    if (progressEveryMs > 0) {
      let last = '';
      const timer = setInterval(() => {
        progress().then(
          (value) => {
            const line = formatProgress(value, accelerated ? slotOf(clock.now()) : undefined);
            if (line.slice(9) !== last) print(line);
            last = line.slice(9);
          },
          () => undefined, // the emulators are stopping
        );
      }, progressEveryMs);
      stops.push(() => Promise.resolve(clearInterval(timer)));
    }

    return {
      infrastructure,
      runtime,
      shop,
      bus,
      changesPump,
      api,
      mappings,
      httpMappings,
      webhookMapping,
      webhooksFile,
      scraperMarker: pool.marker,
      clock,
      operatorToken,
      logFile,
      seeded,
      seededRules,
      shopVersionOf,
      expandedSlots: slots.expanded,
      pauseSlots: () => slots.stop(),
      progress,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const firstLine = (text: string): string => text.split('\n')[0] ?? text;
