/**
 * The progress line's `changes` count, the pure part: which records of a changes-stream batch
 * count as changes since the start (written since, taken before the record a batch retries from).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countWrittenSince } from '../../local/changes-pump.ts';

// Times derive from the real clock; only their order matters here.
const startMs = Math.floor(Date.now() / 1000) * 1000 + 400;
const recordAt = (sequenceNumber: string, createdMs: number) => ({
  eventName: 'INSERT' as const,
  // A stream record's creation time is in whole seconds.
  dynamodb: {
    SequenceNumber: sequenceNumber,
    ApproximateCreationDateTime: new Date(Math.floor(createdMs / 1000) * 1000),
  },
});

describe('the changes counted since a start', () => {
  it('counts records written in a later second, and none written before the start', () => {
    const batch = [
      recordAt('100', startMs - 86_400_000),
      recordAt('200', startMs - 1_000),
      recordAt('300', startMs - 100), // the start's own second, before it
      recordAt('400', startMs + 1_000),
      recordAt('500', startMs + 5_000),
    ];
    assert.equal(countWrittenSince(batch, startMs, undefined), 2);
  });

  it('counts only the records before the one the batch is retried from', () => {
    const batch = ['1000', '1100', '99999999999999999999', '100000000000000000000'].map((sequence) =>
      recordAt(sequence, startMs + 2_000),
    );
    // Sequence numbers are compared as numbers, not as text ('99…' < '100…').
    assert.equal(countWrittenSince(batch, startMs, '100000000000000000000'), 3);
    assert.equal(countWrittenSince(batch, startMs, '1100'), 1);
    assert.equal(countWrittenSince(batch, startMs, '1000'), 0);
  });

  it('does not count a record without a creation time', () => {
    assert.equal(
      countWrittenSince([{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1' } }], 0, undefined),
      0,
    );
  });
});
