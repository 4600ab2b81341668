/**
 * The progress line's `changes` count, the pure part: which records of a changes-stream batch
 * count as changes since the start (past the stream's mark taken at start, each once, taken
 * before the record a batch retries from). Sequence numbers as DynamoDB Local writes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangesSinceMark } from '../../local/changes-pump.ts';

const sequence = (n: bigint | number) => String(n).padStart(21, '0');
const recordOf = (n: bigint | number) => ({
  eventName: 'INSERT' as const,
  dynamodb: { SequenceNumber: sequence(n) },
});
const records = (...ns: number[]) => ns.map(recordOf);

describe('the changes counted since a start', () => {
  it('counts the records past the mark of their shard, and none up to it', () => {
    const since = new ChangesSinceMark(new Map([['shard-a', sequence(5)]]));
    assert.equal(since.count('shard-a', records(3, 4, 5, 6, 7), undefined), 2);
  });

  it('counts every record of a shard that was empty at the mark or that the mark did not see', () => {
    const since = new ChangesSinceMark(new Map([['shard-a', undefined]]));
    assert.equal(since.count('shard-a', records(1, 2), undefined), 2);
    assert.equal(since.count('shard-b', records(1, 2, 3), undefined), 3);
  });

  it('counts a record read again (a batch re-read, a pass repeated) once', () => {
    const since = new ChangesSinceMark(new Map([['shard-a', sequence(10)]]));
    assert.equal(since.count('shard-a', records(11, 12, 13), undefined), 3);
    assert.equal(since.count('shard-a', records(11, 12, 13, 14), undefined), 1);
    assert.equal(since.count('shard-a', records(9, 10, 11), undefined), 0);
  });

  it('counts only the records before the one the batch is retried from, and those once on the retry', () => {
    const since = new ChangesSinceMark(new Map([['shard-a', sequence(100)]]));
    assert.equal(since.count('shard-a', records(101, 102, 103, 104), sequence(103)), 2);
    assert.equal(since.count('shard-a', records(103, 104), undefined), 2);
    assert.equal(since.count('shard-a', records(101, 102, 103, 104), undefined), 0);
  });

  it('compares sequence numbers as numbers, not as text', () => {
    // '99…9' (20 digits) sorts after '100…0' (21 digits) as text, before it as a number.
    const since = new ChangesSinceMark(new Map([['shard-a', '99999999999999999999']]));
    const batch = [{ dynamodb: { SequenceNumber: '100000000000000000000' } }];
    assert.equal(since.count('shard-a', batch, undefined), 1);
    const retried = new ChangesSinceMark(new Map([['shard-a', undefined]]));
    const both = [{ dynamodb: { SequenceNumber: '99999999999999999999' } }, ...batch];
    assert.equal(retried.count('shard-a', both, '100000000000000000000'), 1);
  });

  it('keeps shards apart', () => {
    const since = new ChangesSinceMark(
      new Map([
        ['shard-a', sequence(50)],
        ['shard-b', sequence(2)],
      ]),
    );
    assert.equal(since.count('shard-a', records(3, 4), undefined), 0);
    assert.equal(since.count('shard-b', records(3, 4), undefined), 2);
  });

  it('does not count a record without a sequence number', () => {
    const since = new ChangesSinceMark(new Map());
    assert.equal(since.count('shard-a', [{ eventName: 'INSERT', dynamodb: {} }], undefined), 0);
  });
});
