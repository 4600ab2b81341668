/**
 * Issue 17, item 5: a URL that points inside a network — loopback, private, link-local, cloud
 * metadata, in any notation or behind a name — is refused where work is created (seed 004's
 * task create, definition create and update), naming the field, and nothing is stored. The
 * scrapers refuse such URLs again before each request; external workers never see them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ErrorBody } from '../../shared/api/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

/** Every address of the issue: other notations, names for loopback, credentials, metadata. */
const INSIDE_URLS = [
  'http://127.1:4100/',
  'http://0:4100/',
  'http://017700000001/',
  'http://[::ffff:7f00:1]/',
  'http://localtest.me/',
  'http://127.0.0.1.nip.io/',
  'http://u:p@127.0.0.1/',
  'http://[fd00:ec2::254]/latest/',
  'http://100.100.100.200/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
];

const seedTask = (url: string) => ({ platform: 'ozon', market: 'RU', url, data_type: 'category_page' });

describe('the SSRF guard where work is created', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;
  let shop: ApiStage;

  before(async () => {
    api = await apiStage(local());
    // As `npm start` wires it: the demo shop's exact host:port is allow-listed.
    shop = await apiStage(local(), { urlCheck: { allowHosts: ['127.0.0.1:4173'] } });
    const created = await api.call('POST', '/definitions', {
      body: { definitions: [definitionRow('guarded')] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  for (const url of INSIDE_URLS) {
    it(`refuses ${url} as a seed task's url, a definition's target and a target update, changing nothing`, async () => {
      const before = await api.dump();
      const task = await api.call<ErrorBody>('POST', '/market/tasks/create', {
        body: { tasks: [seedTask('https://www.ozon.ru/category/fine-1/'), seedTask(url)] },
      });
      assert.equal(task.status, 400, JSON.stringify(task.body));
      assert.deepEqual(
        task.body.error.issues.map((issue) => issue.field),
        ['tasks.1.url'],
      );
      assert.match(task.body.error.issues[0]?.message ?? '', /is refused: /);

      const definition = await api.call<ErrorBody>('POST', '/definitions', {
        body: { definitions: [definitionRow('fine-2'), definitionRow('inside', { target: url })] },
      });
      assert.equal(definition.status, 400, JSON.stringify(definition.body));
      assert.deepEqual(
        definition.body.error.issues.map((issue) => issue.field),
        ['definitions.1.target'],
      );

      const update = await api.call<ErrorBody>('PATCH', '/definitions/guarded', { body: { target: url } });
      assert.equal(update.status, 400, JSON.stringify(update.body));
      assert.deepEqual(
        update.body.error.issues.map((issue) => issue.field),
        ['target'],
      );
      assert.equal(await api.dump(), before, 'no table or queue changed');
    });
  }

  it('in partial mode, writes the good rows and reports the refused target', async () => {
    const answer = await api.call<{ definitions: { id: string }[]; rejected: { field: string }[] }>(
      'POST',
      '/definitions',
      {
        body: {
          mode: 'partial',
          definitions: [
            definitionRow('partial-ok'),
            definitionRow('partial-bad', { target: 'http://127.1/' }),
          ],
        },
      },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(
      answer.body.definitions.map((definition) => definition.id),
      ['partial-ok'],
    );
    assert.deepEqual(
      answer.body.rejected.map((issue) => issue.field),
      ['definitions.1.target'],
    );
  });

  it('accepts public URLs with their query, and the allow-listed demo shop only where it is allow-listed', async () => {
    const publicTask = await api.call<{ success: boolean }>('POST', '/market/tasks/create', {
      body: { tasks: [seedTask('https://www.ozon.ru/category/smartfony-15502/?sorting=price')] },
    });
    assert.equal(publicTask.status, 200, JSON.stringify(publicTask.body));
    const demo = seedTask('http://127.0.0.1:4173/ozon/category/phones/');
    assert.equal((await shop.call('POST', '/market/tasks/create', { body: { tasks: [demo] } })).status, 200);
    const elsewhere = await api.call<ErrorBody>('POST', '/market/tasks/create', { body: { tasks: [demo] } });
    assert.equal(elsewhere.status, 400, 'without the allow-list, the demo shop is loopback like any other');
    const otherPort = await shop.call<ErrorBody>('POST', '/market/tasks/create', {
      body: { tasks: [seedTask('http://127.0.0.1:4174/')] },
    });
    assert.equal(otherPort.status, 400, 'the allow-list is one exact host and port');
  });

  it('lets only operators create tasks: a worker token gets 403 and nothing is stored', async () => {
    const before = await api.dump();
    const answer = await api.call<ErrorBody>('POST', '/market/tasks/create', {
      token: api.workerToken,
      body: { tasks: [seedTask('https://www.ozon.ru/category/x-1/')] },
    });
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.match(answer.body.error.message, /operator token/);
    assert.equal(await api.dump(), before);
  });
});
