/**
 * npm run bench:expander [-- 1000 10000 100000]
 *
 * Seeds N enabled definitions, all due in one slot (spread over the three priorities), into
 * DynamoDB Local, then times one expansion of that slot against DynamoDB Local and fauxqs and
 * counts every AWS request by operation.
 *
 * The minimum the design allows, for N runs with N_p of priority p:
 *
 *   min = 1                    watermark read
 *       + 1                    schedule keys in use (GetItem)
 *       + Q                    due-index pages: what a bare paginated Query of the due keys needs
 *       + ⌈N / 100⌉            run creation (TransactWriteItems: 100 conditional puts)
 *       + Σ_p ⌈N_p / 10⌉       messages (SendMessageBatch: 10 per request, per queue)
 *       + ⌈N / 100⌉            PENDING → QUEUED (TransactWriteItems: 100 conditional updates)
 *       + 1                    watermark write
 *
 * Prints wall time, requests by operation, requests ÷ min, and the time ratio of the largest N
 * over the one before it (how cost grows). Absolute times depend on this machine; ratios do not.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalInfrastructure } from '../local/infrastructure.ts';
import { LOCAL_CREDENTIALS } from '../local/emulators.ts';
import { createAwsClients, resourceEnvironment } from '../shared/aws/index.ts';
import { type Definition, parseDefinitionInput, PRIORITIES } from '../shared/definitions/index.ts';
import { createExpander } from '../shared/expansion/index.ts';
import { createStores } from '../shared/stores/index.ts';
import { scheduleKeyOf, slotOf } from '../shared/schedule/index.ts';
import { countRequests } from '../test/helpers/request-counter.ts';
import { chunk, mapWithConcurrency } from '../shared/concurrency/index.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const SIZES = sizes.length > 0 ? sizes : [1_000, 10_000, 100_000];
const NOW = Date.parse('2026-11-23T19:02:00Z');
const SLOT = slotOf(NOW);

const local = await startLocalInfrastructure({ stage: 'bench' });
const rows: {
  n: number;
  seconds: number;
  requests: Record<string, number>;
  total: number;
  minimum: number;
}[] = [];
try {
  for (const n of SIZES) {
    const stage = `b${randomUUID().slice(0, 8)}`;
    const provisioned = await local.provision(stage);
    const resources = resourceEnvironment(provisioned.environment);
    const tables = provisioned.resources.tables;

    // Seed the due index directly (the definitions table is not read by an expansion).
    const schedule = parseDefinitionInput({
      id: 'x',
      platform: 'amazon',
      marketplace: 'US',
      crawlType: 'search_result',
      target: 'x',
      schedule: { kind: 'every', everyHours: 1 },
    }).schedule;
    const dueKey = scheduleKeyOf(schedule);
    const perPriority = { high: 0, normal: 0, low: 0 };
    const entries = Array.from({ length: n }, (_, index) => {
      const priority = PRIORITIES[index % 3] ?? 'normal';
      perPriority[priority] += 1;
      const definition: Definition = {
        ...parseDefinitionInput({
          id: `bench-${index}`,
          platform: 'amazon',
          marketplace: 'US',
          crawlType: 'search_result',
          target: `keyword number ${index}`,
          schedule: { kind: 'every', everyHours: 1 },
          priority,
        }),
        createdAt: new Date(NOW).toISOString(),
        updatedAt: new Date(NOW).toISOString(),
        version: 1,
      };
      return { dueKey, definitionId: definition.id, definition };
    });
    await mapWithConcurrency(chunk(entries, 25), 8, async (batch) => {
      let items = batch.map((entry) => ({ PutRequest: { Item: entry } }));
      while (items.length > 0) {
        const { UnprocessedItems } = await local.clients.documents.send(
          new BatchWriteCommand({ RequestItems: { [tables.dueIndex]: items } }),
        );
        items = (UnprocessedItems?.[tables.dueIndex] ?? []) as typeof items;
      }
    });
    await local.clients.documents.send(
      new UpdateCommand({
        TableName: tables.control,
        Key: { pk: 'schedule-keys', sk: 'every' },
        UpdateExpression: 'ADD #keys :key',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':key': new Set([dueKey]) },
      }),
    );

    // The unavoidable due-index pages: a bare paginated Query of the due keys.
    let pages = 0;
    for (const key of [dueKey, `once#${SLOT}`]) {
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await local.clients.documents.send(
          new QueryCommand({
            TableName: tables.dueIndex,
            KeyConditionExpression: 'dueKey = :k',
            ExpressionAttributeValues: { ':k': key },
            ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          }),
        );
        pages += 1;
        cursor = page.LastEvaluatedKey;
      } while (cursor);
    }

    const clients = createAwsClients({
      region: local.region,
      credentials: LOCAL_CREDENTIALS,
      endpoints: local.endpoints,
    });
    const dynamo = countRequests(clients.documents);
    const sqs = countRequests(clients.sqs as never);
    const started = performance.now();
    const report = await createExpander(createStores(resources, clients), resources, clients).expandDue(NOW);
    const seconds = (performance.now() - started) / 1000;
    clients.destroy();
    const slot = report.slots[0];
    if (!report.complete || slot?.queued !== n)
      throw new Error(`expansion of ${n} incomplete: ${JSON.stringify(report)}`);

    const requests = Object.fromEntries([...dynamo.counts, ...sqs.counts].sort());
    const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
    const minimum =
      1 +
      1 +
      pages +
      2 * Math.ceil(n / 100) +
      PRIORITIES.reduce((sum, p) => sum + Math.ceil(perPriority[p] / 10), 0) +
      1;
    rows.push({ n, seconds, requests, total, minimum });
    console.log(
      `N=${String(n).padStart(7)}  ${seconds.toFixed(2).padStart(7)} s  requests ${total} (min ${minimum}, ratio ${(total / minimum).toFixed(3)})  ${JSON.stringify(requests)}`,
    );
  }
  for (let index = 1; index < rows.length; index += 1) {
    const [before, after] = [rows[index - 1], rows[index]];
    if (!before || !after) continue;
    console.log(
      `time N=${after.n} / N=${before.n}: ${(after.seconds / before.seconds).toFixed(2)} for ${(after.n / before.n).toFixed(0)}× the definitions (linear = ${(after.n / before.n).toFixed(0)})`,
    );
  }
} finally {
  await local.stop();
}
