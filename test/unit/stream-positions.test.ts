/**
 * The position file a stream reader of `npm start` keeps in the data folder: read back for its own
 * stream only, replaced whole, and refused with a message naming it when it is not one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isAfter, StreamPositionFile, StreamPositionFileError } from '../../local/stream-positions.ts';

const STREAM =
  'arn:aws:dynamodb:ddblocal:000000000000:table/shelfwatch-local-changes/stream/2026-12-07T01:54:31.268';
const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-stream-positions-'));
after(() => rmSync(folder, { recursive: true, force: true }));

describe('stream position file', () => {
  it('gives back what was saved for the same stream, and nothing for another one', async () => {
    const file = new StreamPositionFile(path.join(folder, 'streams', 'notifier.json'));
    assert.deepEqual(file.load(STREAM), new Map(), 'no file: no positions');
    const positions = new Map([
      ['shardId-1', { after: '000000000000000000042', ended: false }],
      ['shardId-0', { after: '000000000000000000007', ended: true }],
    ]);
    await file.save(STREAM, positions);
    assert.deepEqual(file.load(STREAM), positions);
    assert.deepEqual(file.load(`${STREAM}-made-anew`), new Map(), 'a table made anew starts afresh');
    assert.deepEqual(readdirSync(path.join(folder, 'streams')), ['notifier.json'], 'no temporary file left');
  });

  it('refuses a file that is not a position file, naming it', () => {
    const cases = {
      'not-json.json': '{"v": 1,',
      'no-stream.json': '{"v": 1, "shards": {}}',
      'bad-sequence.json': `{"v": 1, "streamArn": "${STREAM}", "shards": {"s": {"after": "12ab", "ended": false}}}`,
      'number-sequence.json': `{"v": 1, "streamArn": "${STREAM}", "shards": {"s": {"after": 12, "ended": false}}}`,
      'no-ended.json': `{"v": 1, "streamArn": "${STREAM}", "shards": {"s": {"after": "12"}}}`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(folder, name);
      writeFileSync(file, text);
      assert.throws(
        () => new StreamPositionFile(file).load(STREAM),
        (error: unknown) =>
          error instanceof StreamPositionFileError &&
          error.kind === 'invalid' &&
          error.message.startsWith(file),
        name,
      );
    }
  });

  it('orders sequence numbers as numbers, whatever their length', () => {
    assert.equal(isAfter('000000000000000000010', '000000000000000000009'), true);
    assert.equal(isAfter('100000000000000000000', '99999999999999999999'), true);
    assert.equal(isAfter('99999999999999999999', '100000000000000000000'), false);
    assert.equal(isAfter('7', '000000000000000000007'), false);
  });
});
