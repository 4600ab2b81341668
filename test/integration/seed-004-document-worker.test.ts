/**
 * A browser worker that knows only seed 004's document (../shared/seeds/004_*: 任务队列 +
 * 多浏览器Worker + 断点续跑): its own HTTP calls with the document's paths, fields and values, plus
 * the bearer token. No project code but the helper that starts the local API. Each check is one
 * sentence of the document; the PASS list is printed at the end.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { useSeedApiServer } from '../helpers/seed-api-server.ts';

type Json = Record<string, unknown>;

interface Task {
  id: string | number;
  platform: string;
  market: string;
  url: string;
  data_type: string;
  priority: number;
  payload_json: string;
}

const passed: string[] = [];

describe("seed 004's worker contract, by a worker that knows only the document", () => {
  const server = useSeedApiServer({ workerLeaseMs: 3_000 });
  after(() => {
    console.log(
      `seed 004 document worker — PASS (${passed.length}):\n${passed.map((p) => `  PASS ${p}`).join('\n')}`,
    );
  });

  /** sendToBackend(path, body) of the document's worker script. */
  async function sendToBackend(path: string, body: unknown, token = server().workerToken) {
    const response = await fetch(`${server().url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  }

  const register = (workerId: string) =>
    sendToBackend('/market/tasks/worker/register', {
      worker_id: workerId,
      worker_name: `Chrome Worker ${workerId}`,
      browser_type: 'chrome',
      browser_version: '120.0',
      script_version: '2.8',
    });
  const pull = (workerId: string) => sendToBackend('/market/tasks/pull', { worker_id: workerId, limit: 1 });
  const update = (taskId: Task['id'], workerId: string, progress: Json) =>
    sendToBackend('/market/tasks/update', {
      task_id: taskId,
      worker_id: workerId,
      status: 'IN_PROGRESS',
      progress,
    });
  const complete = (taskId: Task['id'], workerId: string, status: 'DONE' | 'FAILED', result: Json) =>
    sendToBackend('/market/tasks/complete', { task_id: taskId, worker_id: workerId, status, result });

  /** Polls pull until it hands out a task (no sleeping a fixed time: a deadline instead). */
  async function pullUntilTask(workerId: string, timeoutMs: number): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await pull(workerId);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      if (answer.json.task) return answer.json.task as Task;
      if (Date.now() > deadline) throw new Error(`no task for ${workerId} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const high = {
    platform: 'ozon',
    market: 'RU',
    url: 'https://www.ozon.ru/category/smartfony-15502/?sorting=rating&page=1',
    data_type: 'category_page',
    priority: 10,
    payload_json: '{"max_products":100,"max_pages":5,"category_name":"смартфоны"}',
  };
  const low = {
    platform: 'ozon',
    market: 'RU',
    url: 'https://www.ozon.ru/category/noutbuki-15692/',
    data_type: 'category_page',
    priority: 1,
  };
  let highTask: Task;

  it('API 1: a worker registers and is answered { success: true, worker_id }', async () => {
    for (const workerId of ['chrome-worker-001', 'chrome-worker-002']) {
      const answer = await register(workerId);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { success: true, worker_id: workerId });
    }
    passed.push('API 1 register → 200 { success: true, worker_id }');
  });

  it('API 5: the administrator creates two tasks in a batch and is answered 200 with success: true', async () => {
    const answer = await sendToBackend(
      '/market/tasks/create',
      { tasks: [low, high] },
      server().operatorToken,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.success, true);
    passed.push('API 5 create (batch of 2) → 200 { success: true }');
  });

  it('API 2: a worker that pulls right after gets the high task, with its url and payload_json as created', async () => {
    const answer = await pull('chrome-worker-001');
    assert.equal(answer.status, 200);
    assert.equal(answer.json.success, true);
    highTask = answer.json.task as Task;
    assert.equal(highTask.priority, 10, 'priority DESC: the high one first');
    assert.equal(highTask.url, high.url, 'the URL it was created with, query string included');
    assert.equal(highTask.platform, 'ozon');
    assert.equal(highTask.market, 'RU');
    assert.equal(highTask.data_type, 'category_page');
    assert.deepEqual(
      JSON.parse(highTask.payload_json),
      JSON.parse(high.payload_json),
      'every key as created',
    );
    passed.push('API 2 pull → the high task first (priority DESC)');
    passed.push('API 2 task.url is the created URL, query string included');
    passed.push('API 2 task.payload_json is the created payload, every key (max_pages not rewritten)');
  });

  it('API 2: a second worker then gets the low task, and a pull with nothing to do gets task: null', async () => {
    const second = await pull('chrome-worker-002');
    assert.equal(second.status, 200);
    const lowTask = second.json.task as Task;
    assert.equal(lowTask.url, low.url);
    assert.equal(lowTask.priority, 1);
    assert.deepEqual(
      JSON.parse(lowTask.payload_json || '{}'),
      {},
      'created without payload_json: none invented',
    );
    passed.push('API 2 pull by a second worker → the low task');
    const done = await complete(lowTask.id, 'chrome-worker-002', 'DONE', {
      scraped_count: 0,
      saved_count: 0,
      skipped_count: 0,
      error_message: null,
    });
    assert.equal(done.status, 200);
    assert.equal(done.json.success, true);
    passed.push('API 4 complete DONE → 200 { success: true }');
    const nothing = await pull('chrome-worker-002');
    assert.equal(nothing.status, 200);
    assert.deepEqual(nothing.json, { success: true, task: null });
    passed.push('API 2 pull with nothing to do → 200 { success: true, task: null }');
  });

  it("API 3 and 断点续跑: progress is saved; a crashed worker's task goes to the next worker with it", async () => {
    const saved = await update(highTask.id, 'chrome-worker-001', {
      current_page: 2,
      total_pages: 5,
      scraped_count: 45,
      saved_count: 38,
      skipped_count: 7,
      last_product_id: '1234567890',
    });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.json, { success: true });
    passed.push('API 3 update IN_PROGRESS → 200 { success: true }');
    // chrome-worker-001 crashes: no more calls. Its lock times out; chrome-worker-002 pulls it.
    const resumed = await pullUntilTask('chrome-worker-002', server().workerLeaseMs + 15_000);
    assert.equal(resumed.id, highTask.id);
    assert.equal(resumed.url, high.url);
    const progress = JSON.parse(resumed.payload_json) as Json;
    assert.equal(progress.current_page, 2);
    assert.equal(progress.scraped_count, 45);
    assert.equal(progress.last_product_id, '1234567890');
    assert.equal(progress.max_pages, 5, 'the created params stay');
    assert.equal(progress.max_products, 100);
    assert.equal(progress.category_name, 'смартфоны');
    passed.push('断点续跑: a timed-out IN_PROGRESS task is pulled by another worker');
    passed.push(
      '断点续跑: payload_json = created params merged with saved progress (current_page, scraped_count)',
    );
    const late = await update(highTask.id, 'chrome-worker-001', { current_page: 3, scraped_count: 60 });
    assert.ok(
      late.status >= 400 && late.status < 500,
      `the crashed worker's late update is refused: ${late.status}`,
    );
    assert.equal(late.json.success, false);
    passed.push("the crashed worker's late update → 4xx { success: false }");
    const finished = await complete(resumed.id, 'chrome-worker-002', 'DONE', { scraped_count: 100 });
    assert.equal(finished.status, 200);
    assert.equal(finished.json.success, true);
  });

  it('a worker that never registered is told to register first, with a 4xx', async () => {
    const answer = await pull('chrome-worker-never-registered');
    assert.ok(answer.status >= 400 && answer.status < 500, String(answer.status));
    assert.equal(answer.json.success, false);
    assert.match(JSON.stringify(answer.json), /regist/i);
    passed.push('pull by an unregistered worker → 4xx { success: false } saying to register first');
  });
});
