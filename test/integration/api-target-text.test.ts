/**
 * Targets (ASIN, keyword, category id, URL) and token names are one line of visible text
 * (issue 17, item 3): C0/C1 controls, lone surrogates, line separators and bidirectional
 * overrides or isolates were stored and read back. They are refused naming the field, and
 * nothing is written; real Unicode keywords — Cyrillic, CJK, Arabic, emoji, combining marks — are
 * stored and read back unchanged.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ErrorBody } from '../../shared/api/index.ts';
import type { Definition } from '../../shared/definitions/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

/** What each is, for the reader; a failure prints the target's JSON, which shows the character. */
const REFUSED: Record<string, string> = {
  nul: 'a\u0000b',
  tab: 'phone\tcase',
  'line feed': 'phone\ncase',
  escape: 'phone\u001b[31m',
  delete: 'phone\u007f',
  'C1 control': 'phone\u0085case',
  'lone high surrogate': '\ud800x',
  'lone low surrogate': 'x\udc00',
  'right-to-left override': '\u202eesac enohp',
  'left-to-right embedding': 'a\u202ab',
  'first-strong isolate': 'a\u2068b\u2069',
  'line separator': 'a\u2028b',
  'URL with a tab (the URL parser would drop it)': 'https://www.ozon.ru/cat\tegory/1/',
  'URL with a NUL': 'https://www.ozon.ru/category/1/\u0000',
};

const ACCEPTED: Record<string, string> = {
  Cyrillic: 'ноутбук игровой',
  CJK: '笔记本电脑 保护套',
  Japanese: 'ノートパソコン',
  Arabic: 'حاسوب محمول',
  emoji: '📱 чехол 👩‍💻',
  'combining marks': 'cafe\u0301 n\u0303',
  'flag and skin tone': '🇰🇿 👍🏽',
};

describe('targets are one line of visible text', () => {
  const local = useLocalInfrastructure();
  let api: ApiStage;

  before(async () => {
    api = await apiStage(local());
    const created = await api.call('POST', '/definitions', {
      body: { definitions: [definitionRow('tx-1', { crawlType: 'search_result', target: 'kettle' })] },
    });
    assert.equal(created.status, 201);
  });

  async function refused(method: string, path: string, body: unknown, field: string, token?: string) {
    const state = await api.dump();
    const answer = await api.call<ErrorBody>(method, path, { body, ...(token ? { token } : {}) });
    assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(
      answer.body.error.issues.map((issue) => issue.field),
      [field],
    );
    assert.match(answer.body.error.issues[0]?.message ?? '', /U\+[0-9A-F]{4}/, 'the character is named');
    assert.equal(await api.dump(), state, 'nothing was written');
  }

  it('refuses controls, lone surrogates, separators and bidi overrides in a new target', async () => {
    for (const target of Object.values(REFUSED)) {
      await refused(
        'POST',
        '/definitions',
        { definitions: [definitionRow('tx-new', { crawlType: 'search_result', target })] },
        'definitions.0.target',
      );
    }
  });

  it('refuses them in a changed target, a seed 004 task url and a token name', async () => {
    await refused('PATCH', '/definitions/tx-1', { target: 'kettle\u202e' }, 'target');
    await refused('PATCH', '/definitions/tx-1', { target: '\ud83dkettle' }, 'target');
    await refused(
      'POST',
      '/market/tasks/create',
      {
        tasks: [
          {
            platform: 'ozon',
            market: 'RU',
            url: 'https://www.ozon.ru/c/1/\u0000',
            data_type: 'category_page',
          },
        ],
      },
      'tasks.0.url',
      api.operatorToken, // only operators create tasks (a worker token is refused 403 first)
    );
    await refused('POST', '/tokens', { name: 'ops\u202etoken', scope: 'operator' }, 'name');
  });

  it('stores real Unicode keywords and reads them back unchanged', async () => {
    const rows = Object.values(ACCEPTED).map((target, index) =>
      definitionRow(`tx-ok-${index}`, { crawlType: 'search_result', target }),
    );
    const created = await api.call<{ definitions: Definition[] }>('POST', '/definitions', {
      body: { definitions: rows },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const [index, target] of Object.values(ACCEPTED).entries()) {
      const read = await api.call<Definition>('GET', `/definitions/tx-ok-${index}`);
      assert.equal(read.body.target, target);
    }
    const patched = await api.call<Definition>('PATCH', '/definitions/tx-1', {
      body: { target: 'чайник 🫖' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.target, 'чайник 🫖');
  });
});
