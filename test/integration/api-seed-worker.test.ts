/**
 * A browser worker written to seed 004's document, speaking real HTTP to the API: the same
 * calls, fields and statuses as the seed's worker script, plus its token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiServer, type ApiServer } from '../../local/api-server.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const MINUTE = 60_000;

interface SeedTask {
  id: string;
  retry_count: number;
  platform: string;
  market: string;
  url: string | null;
  data_type: string;
  priority: number;
  payload_json: string;
}

/** The seed's worker, reduced to its calls to the backend. */
class SeedWorker {
  readonly workerId: string;
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(baseUrl: string, token: string, workerId: string) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.workerId = workerId;
  }

  async sendToBackend(
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  registerWorker() {
    return this.sendToBackend('/market/tasks/worker/register', {
      worker_id: this.workerId,
      worker_name: `Chrome Worker ${this.workerId}`,
      browser_type: 'chrome',
      browser_version: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0',
      script_version: '2.8',
    });
  }

  async pullTask(): Promise<SeedTask | null> {
    const { status, json } = await this.sendToBackend('/market/tasks/pull', {
      worker_id: this.workerId,
      limit: 1,
    });
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.success, true);
    return json.task as SeedTask | null;
  }

  updateTaskProgress(taskId: string, progress: Record<string, unknown>) {
    return this.sendToBackend('/market/tasks/update', {
      task_id: taskId,
      worker_id: this.workerId,
      status: 'IN_PROGRESS',
      progress,
    });
  }

  completeTask(taskId: string, status: 'DONE' | 'FAILED', result: Record<string, unknown>) {
    return this.sendToBackend('/market/tasks/complete', {
      task_id: taskId,
      worker_id: this.workerId,
      status,
      result,
    });
  }

  /** Ten products of a page, as scrapeCurrentPage() + enrichWithSalesData() would give them. */
  async ingestPage(page: number): Promise<void> {
    for (let index = 0; index < 10; index += 1) {
      const product = {
        product_id: `${page}${String(index).padStart(3, '0')}`,
        title: `Phone ${page}-${index}`,
        price: 19_990 + index,
        currency: 'RUB',
        rating: 4.5,
        review_count: 120,
        url: `https://www.ozon.ru/product/${page}-${index}/`,
        page,
        monthly_sales: 1500, // enrichWithSalesData: not an item field, ignored
      };
      const { status, json } = await this.sendToBackend('/market/snapshots/ingest', [product]);
      assert.equal(status, 200, JSON.stringify(json));
    }
  }
}

describe('a seed 004 browser worker against the API over HTTP', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let server: ApiServer;
  const finished: Run[] = [];

  before(async () => {
    api = await apiStage(local(), { onRunFinished: (run) => void finished.push(run) });
    server = await startApiServer({ port: 0, dependencies: api.deps });
  });
  after(async () => {
    await server.stop();
  });

  it('registers, pulls high first, saves progress twice, crashes, and another worker resumes from the saved page', async () => {
    const first = new SeedWorker(server.url, api.workerToken, 'chrome-worker-001');
    const admin = new SeedWorker(server.url, api.operatorToken, 'admin'); // seed 004: 管理员 creates tasks
    const created = await admin.sendToBackend('/market/tasks/create', {
      tasks: [
        {
          platform: 'ozon',
          market: 'RU',
          url: 'https://www.ozon.ru/category/noutbuki-15692/',
          data_type: 'category_page',
          priority: 1,
        },
        {
          platform: 'ozon',
          market: 'RU',
          url: 'https://www.ozon.ru/category/smartfony-15502/',
          data_type: 'category_page',
          priority: 10,
          payload_json: '{"max_products":100,"max_pages":5}',
        },
        {
          platform: 'ozon',
          market: 'RU',
          url: 'https://www.ozon.ru/category/planshety-15525/',
          data_type: 'category_page',
          priority: 5,
        },
      ],
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const [lowId, highId, normalId] = created.json.task_ids as [string, string, string];

    assert.deepEqual((await first.registerWorker()).json, { success: true, worker_id: 'chrome-worker-001' });
    const task = await first.pullTask();
    assert.ok(task);
    assert.equal(task.id, highId, 'high before normal before low');
    assert.equal(task.url, 'https://www.ozon.ru/category/smartfony-15502/');
    assert.equal(task.data_type, 'category_page');
    assert.equal(task.priority, 10);
    assert.deepEqual(JSON.parse(task.payload_json), { max_pages: 5, max_products: 100 });

    // Pages 1 and 2, a progress report every 10 products; then the browser dies on page 3.
    for (const page of [1, 2]) {
      await first.ingestPage(page);
      api.now += 2 * MINUTE;
      const update = await first.updateTaskProgress(task.id, {
        current_page: page,
        total_pages: 5,
        scraped_count: page * 10,
        saved_count: page * 10,
        skipped_count: 0,
        last_product_id: `${page}009`,
      });
      assert.deepEqual(update.json, { success: true });
    }
    const stored = (await api.deps.runs.require(task.id)).checkpoint;
    assert.equal(stored?.page, 1, 'page 2 was in progress: page 1 is the last one done');
    assert.equal(stored?.itemsSoFar, 20);

    // While the lease runs, nobody else gets the task.
    const second = new SeedWorker(server.url, api.workerToken, 'chrome-worker-002');
    await second.registerWorker();
    api.now += 10 * MINUTE;
    const meanwhile = await second.pullTask();
    assert.equal(meanwhile?.id, normalId, 'the held task is not handed out again while its lease runs');
    assert.equal((await second.completeTask(normalId, 'DONE', { scraped_count: 0 })).status, 200);

    // The first worker is silent past its 30-minute lease: the next pull takes the task over.
    api.now += 31 * MINUTE;
    const resumed = await second.pullTask();
    assert.ok(resumed);
    assert.equal(resumed.id, task.id);
    const progress = JSON.parse(resumed.payload_json) as Record<string, number | string>;
    assert.equal(progress.current_page, 2);
    assert.equal(progress.scraped_count, 20);
    assert.equal(progress.max_pages, 5);
    assert.equal(progress.last_product_id, '2009');

    // The crashed worker comes back and reports late: refused, the new holder is untouched.
    const late = await first.updateTaskProgress(task.id, { current_page: 3, scraped_count: 30 });
    assert.equal(late.status, 409);
    assert.equal(late.json.success, false);
    assert.equal((late.json.error as { code: string }).code, 'LEASE_LOST');

    // The second worker resumes from the saved page (2, the one in progress) to max_pages.
    let scraped = Number(progress.scraped_count);
    for (let page = Number(progress.current_page); page <= Number(progress.max_pages); page += 1) {
      await second.ingestPage(page);
      scraped += 10;
      api.now += MINUTE;
      const update = await second.updateTaskProgress(task.id, {
        current_page: page,
        total_pages: 5,
        scraped_count: scraped,
      });
      assert.equal(update.status, 200);
    }
    const done = await second.completeTask(task.id, 'DONE', {
      scraped_count: scraped,
      saved_count: scraped,
      skipped_count: 0,
      error_message: null,
    });
    assert.deepEqual(done.json, { success: true, task_status: 'DONE' });

    const run = await api.deps.runs.require(task.id);
    assert.equal(run.status, 'SUCCEEDED');
    assert.equal(run.attempts, 2);
    assert.equal(run.fencingToken, 2);
    assert.deepEqual(run.counts, { scraped: 60, saved: 60, skipped: 0, invalid: 0 });
    const items = await api.deps.items.listByRun(task.id, { limit: 1000 });
    assert.equal(
      items.snapshots.length,
      50,
      'pages 1-5, ten distinct products each; page 2 rewritten, not doubled',
    );
    const capturers = new Set(items.snapshots.map((snapshot) => snapshot.capturedBy));
    assert.deepEqual([...capturers].sort(), ['worker:chrome-worker-001', 'worker:chrome-worker-002']);
    assert.ok((await api.deps.definitions.require(run.definitionId)).lastSucceededAt);
    assert.deepEqual(
      finished.map((f) => [f.runId, f.status]),
      [
        [normalId, 'SUCCEEDED'],
        [task.id, 'SUCCEEDED'],
      ],
    );

    const workers = await api.call<{
      workers: { workerId: string; successRate: number | null; status: string }[];
    }>('GET', '/workers');
    const byId = new Map(workers.body.workers.map((worker) => [worker.workerId, worker]));
    assert.equal(byId.get('chrome-worker-002')?.successRate, 1);
    assert.equal(byId.get('chrome-worker-002')?.status, 'idle');
    assert.equal(byId.get('chrome-worker-001')?.status, 'offline');

    const last = await second.pullTask();
    assert.equal(last?.id, lowId);
    const stranger = await new SeedWorker(server.url, api.workerToken, 'chrome-worker-003').sendToBackend(
      '/market/tasks/pull',
      { worker_id: 'chrome-worker-003', limit: 1 },
    );
    assert.equal(stranger.status, 404, 'a worker must register before it pulls');
    assert.equal((stranger.json.error as { code: string }).code, 'WORKER_NOT_FOUND');
  });

  it('keeps the task of a worker that goes on heart-beating past the lease time', async () => {
    api = await apiStage(local());
    await server.stop();
    server = await startApiServer({ port: 0, dependencies: api.deps });
    const holder = new SeedWorker(server.url, api.workerToken, 'steady-1');
    const other = new SeedWorker(server.url, api.workerToken, 'steady-2');
    await holder.registerWorker();
    await other.registerWorker();
    const admin = new SeedWorker(server.url, api.operatorToken, 'admin');
    const created = await admin.sendToBackend('/market/tasks/create', {
      tasks: [
        {
          platform: 'ozon',
          market: 'RU',
          url: 'https://www.ozon.ru/category/x-1/',
          data_type: 'category_page',
        },
      ],
    });
    const [taskId] = created.json.task_ids as string[];
    assert.equal((await holder.pullTask())?.id, taskId);
    for (let beat = 0; beat < 3; beat += 1) {
      api.now += 20 * MINUTE;
      await holder.registerWorker(); // seed 004: register is also the heartbeat
    }
    assert.equal(await other.pullTask(), null, '60 minutes on, the heart-beating holder still has it');
    const failed = await holder.completeTask(taskId as string, 'FAILED', { error_message: 'captcha wall' });
    assert.deepEqual(failed.json, { success: true, task_status: 'PENDING' }, 'attempts left: retried later');
    const run = await api.deps.runs.require(taskId as string);
    assert.equal(run.status, 'RETRY_WAIT');
    assert.equal(run.lastFailure?.message, 'captcha wall');
    assert.ok(run.nextAttemptAt && Date.parse(run.nextAttemptAt) > api.now, 'after a backoff');
    const stats = await api.call<{ queues: Record<string, { visible: number; delayed: number }> }>(
      'GET',
      '/stats',
    );
    assert.deepEqual(
      [stats.body.queues.normal?.visible, stats.body.queues.normal?.delayed],
      [0, 0],
      'a task for workers never goes on a scraper queue: it waits out the backoff in the worker index',
    );
    assert.equal(await other.pullTask(), null, 'not before the backoff is over');
    api.now = Date.parse(run.nextAttemptAt);
    const retried = await other.pullTask();
    assert.equal(retried?.id, taskId, 'the next worker gets it once the backoff is over');
    assert.equal(retried?.retry_count, 1);
  });

  it('lets a worker token act only as its own workers, and refuses items for a lease it no longer holds', async () => {
    const otherToken = (await api.deps.tokens.create({ name: 'another team', scope: 'worker' }, api.now))
      .token;
    const mine = new SeedWorker(server.url, api.workerToken, 'team-a-1');
    const intruder = new SeedWorker(server.url, otherToken, 'team-a-1');
    assert.equal((await mine.registerWorker()).status, 200);
    assert.equal((await intruder.registerWorker()).status, 403, 'a worker id stays with its token');
    const admin = new SeedWorker(server.url, api.operatorToken, 'admin');
    const created = await admin.sendToBackend('/market/tasks/create', {
      tasks: [
        {
          platform: 'ozon',
          market: 'RU',
          url: 'https://www.ozon.ru/category/y-2/',
          data_type: 'category_page',
        },
      ],
    });
    const [taskId] = created.json.task_ids as string[];
    assert.equal((await mine.pullTask())?.id, taskId);
    assert.equal((await intruder.completeTask(taskId as string, 'DONE', {})).status, 403);
    assert.equal((await api.deps.runs.require(taskId as string)).status, 'RUNNING', 'nothing changed');
    const product = { product_id: '123', title: 'x', price: 1, currency: 'RUB' };
    const foreign = await intruder.sendToBackend('/market/snapshots/ingest', {
      task_id: taskId,
      products: [product],
    });
    assert.equal(foreign.status, 409, 'another token cannot add items to this run');
    api.now += 31 * MINUTE;
    const late = await mine.sendToBackend('/market/snapshots/ingest', {
      task_id: taskId,
      products: [product],
    });
    assert.equal(late.status, 409, 'the lease has expired: its items are refused');
    assert.equal((await api.deps.items.listByRun(taskId as string)).snapshots.length, 0);
  });

  it('keeps scrapers off tasks for workers and workers off runs for scrapers, whoever asks first', async () => {
    api = await apiStage(local());
    const forWorkers = await api.call<{ task_ids: string[] }>('POST', '/market/tasks/create', {
      body: {
        tasks: [
          {
            platform: 'ozon',
            market: 'RU',
            url: 'https://www.ozon.ru/category/w-1/',
            data_type: 'category_page',
          },
          {
            platform: 'ozon',
            market: 'RU',
            url: 'https://www.ozon.ru/category/a-1/',
            data_type: 'category_page',
            executor: 'any',
          },
        ],
      },
    });
    assert.equal(forWorkers.status, 200, JSON.stringify(forWorkers.body));
    const [workerTask, anyTask] = forWorkers.body.task_ids as [string, string];
    const stats = await api.call<{ queues: Record<string, { visible: number }> }>('GET', '/stats');
    assert.equal(stats.body.queues.normal?.visible, 1, 'only the `any` task has a message for the scrapers');
    const scraper = await api.deps.runs.acquire(workerTask, 'scraper-invocation-1', api.now, 60_000);
    assert.deepEqual([scraper.acquired, !scraper.acquired && scraper.reason], [false, 'other-executor']);
    assert.equal((await api.deps.runs.require(workerTask)).status, 'QUEUED', 'untouched');
    assert.ok((await api.deps.runs.acquire(anyTask, 'scraper-invocation-1', api.now, 60_000)).acquired);

    const created = await api.call('POST', '/definitions', {
      body: { definitions: [definitionRow('scraped-1')] },
    });
    assert.equal(created.status, 201);
    const scheduled = await api.deps.expander.runNow('scraped-1', 'request-0001', api.now);
    assert.equal(scheduled.executor, 'scraper', "definitions are the scrapers' by default");
    const worker = await api.deps.runs.acquire(scheduled.runId, 'worker:w-1', api.now, 60_000);
    assert.deepEqual([worker.acquired, !worker.acquired && worker.reason], [false, 'other-executor']);
  });
});
