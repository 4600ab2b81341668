import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ItemStore, SAVE_CONCURRENCY, snapshotOf } from '../../shared/results/index.ts';

const source = {
  runId: 'kettles@2026-11-23T19:00Z',
  definitionId: 'kettles',
  slot: '2026-11-23T19:00Z',
  platform: 'amazon',
  marketplace: 'US',
  crawlType: 'search_result',
  pageNumber: 1,
  capturedBy: 'test',
} as const;

describe('ItemStore.save', () => {
  it(`keeps at most ${SAVE_CONCURRENCY} batch writes in flight, and writes every snapshot once`, async () => {
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    const mock = mockClient(documents);
    let inFlight = 0;
    let peak = 0;
    const written = new Set<string>();
    mock
      .on(BatchWriteCommand)
      .callsFake(
        async (input: { RequestItems: Record<string, { PutRequest: { Item: { itemKey: string } } }[]> }) => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          for (const request of input.RequestItems.items ?? []) written.add(request.PutRequest.Item.itemKey);
          inFlight -= 1;
          return { UnprocessedItems: {} };
        },
      );
    const store = new ItemStore({ documents, tableName: 'items' });
    const snapshots = Array.from({ length: 1_000 }, (_, n) =>
      snapshotOf(
        source,
        { id: `B${String(n).padStart(9, '0')}`, title: `Kettle ${n}`, position: n + 1 },
        Date.now(),
        1,
      ),
    );

    assert.equal(await store.save(snapshots), 1_000);
    assert.equal(mock.commandCalls(BatchWriteCommand).length, 40);
    assert.equal(peak, SAVE_CONCURRENCY);
    assert.equal(written.size, 1_000);
    mock.restore();
  });
});
