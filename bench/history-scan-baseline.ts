/**
 * The baseline of issue 16's benchmark, run as its own process by bench/history-export.ts: what a
 * user would do by hand without the history — a plain paginated Scan of the items table to JSON
 * lines, one page at a time, the file written with back-pressure.
 *
 *   node bench/history-scan-baseline.ts <dynamodb endpoint> <items table> <out file> [seconds]
 *
 * With `seconds`, the Scan stops after the first page that ends past that time (a time box: a
 * Scan of a large DynamoDB Local table runs for hours). Its last line says how many rows it
 * read and the rate of each half of the time it ran, so a reader sees whether it was slowing.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/emulators.ts';

const [endpoint, tableName, out, seconds] = process.argv.slice(2) as [string, string, string, string?];
const timeBoxMs = seconds === undefined ? Number.POSITIVE_INFINITY : Number(seconds) * 1000;
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
);
const file = createWriteStream(out);
let rows = 0;
let exclusiveStartKey: Record<string, unknown> | undefined;
const started = performance.now();
/** Rows read by each page's end: [ms since start, rows]. */
const marks: [number, number][] = [];
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
  marks.push([performance.now() - started, rows]);
} while (exclusiveStartKey && performance.now() - started < timeBoxMs);
file.end();
await once(file, 'finish');
documents.destroy();
const elapsedMs = performance.now() - started;
// Rows read in each half of the time: a Scan that slows as it goes reads fewer in the second.
const half = marks.find(([at]) => at >= elapsedMs / 2) ?? [elapsedMs, rows];
const rate = (count: number, ms: number) => Math.round((count / Math.max(ms, 1)) * 1000);
console.log(
  `${rows} rows written to ${out}${exclusiveStartKey ? ` (stopped at the ${seconds} s time box, table not finished)` : ''}; ` +
    `first half ${rate(half[1], half[0])} rows/s, second half ${rate(rows - half[1], elapsedMs - half[0])} rows/s`,
);
