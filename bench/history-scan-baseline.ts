/**
 * The baseline of issue 16's benchmark, run as its own process by bench/history-export.ts: what a
 * user would do by hand without the history — a plain paginated Scan of the items table to JSON
 * lines, one page at a time, the file written with back-pressure.
 *
 *   node bench/history-scan-baseline.ts <dynamodb endpoint> <items table> <out file>
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts';

const [endpoint, tableName, out] = process.argv.slice(2) as [string, string, string];
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
);
const file = createWriteStream(out);
let rows = 0;
let exclusiveStartKey: Record<string, unknown> | undefined;
do {
  const page = await documents.send(
    new ScanCommand({
      TableName: tableName,
      ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
    }),
  );
  for (const item of page.Items ?? []) {
    if (!file.write(`${JSON.stringify(item)}\n`)) await once(file, 'drain');
    rows += 1;
  }
  exclusiveStartKey = page.LastEvaluatedKey;
} while (exclusiveStartKey);
file.end();
await once(file, 'finish');
documents.destroy();
console.log(`${rows} rows written to ${out}`);
