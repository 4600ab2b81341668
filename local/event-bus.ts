/**
 * A local stand-in for the run events bus (fauxqs has no EventBridge): an HTTP endpoint that
 * speaks EventBridge's PutEvents (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), so the
 * functions' real SDK call is used unchanged through `AWS_ENDPOINT_URL_EVENTBRIDGE`. Events are
 * appended to a JSON Lines file (when given) and kept in memory for the progress line and tests.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface BusEvent {
  readonly id: string;
  readonly time: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

export interface LocalEventBus {
  /** `http://127.0.0.1:<port>`: the EventBridge endpoint for the SDK. */
  readonly endpoint: string;
  /** Events received since start (and those read back from the file). */
  readonly events: readonly BusEvent[];
  stop(): Promise<void>;
}

interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Time?: string | number;
}

const TARGET = 'AWSEvents.PutEvents';
const MAX_ENTRIES = 10;

function readEvents(file: string | undefined): BusEvent[] {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as BusEvent];
      } catch {
        return []; // a line cut short by a crash: the rest of the file still counts
      }
    });
}

/** PutEvents' `Time` on the wire (JSON 1.1): epoch seconds, fractions for milliseconds. */
const timeOf = (time: string | number | undefined): number | string =>
  time === undefined ? Date.now() : typeof time === 'number' ? Math.round(time * 1000) : time;

const parseDetail = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? 'null');
  } catch {
    return text;
  }
};

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

export async function startLocalEventBus(
  options: { readonly file?: string; readonly port?: number } = {},
): Promise<LocalEventBus> {
  const events = readEvents(options.file);
  if (options.file) mkdirSync(path.dirname(options.file), { recursive: true });

  const putEvents = (entries: readonly PutEventsEntry[]) => {
    const accepted = entries.map((entry): BusEvent => ({
      id: randomUUID(),
      time: new Date(timeOf(entry.Time)).toISOString(),
      bus: entry.EventBusName ?? 'default',
      source: entry.Source ?? '',
      detailType: entry.DetailType ?? '',
      detail: parseDetail(entry.Detail),
    }));
    if (options.file) appendFileSync(options.file, accepted.map((e) => `${JSON.stringify(e)}\n`).join(''));
    events.push(...accepted);
    return { FailedEntryCount: 0, Entries: accepted.map((event) => ({ EventId: event.id })) };
  };

  const server = createServer((request, response) => {
    void bodyOf(request).then((text) => {
      if (request.headers['x-amz-target'] !== TARGET) {
        return answer(response, 400, {
          __type: 'UnknownOperationException',
          message: `the local event bus only answers ${TARGET}`,
        });
      }
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(text) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        return answer(response, 400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      if (entries.length === 0 || entries.length > MAX_ENTRIES) {
        return answer(response, 400, {
          __type: 'ValidationException',
          message: `PutEvents takes 1 to ${MAX_ENTRIES} entries, not ${entries.length}`,
        });
      }
      answer(response, 200, putEvents(entries));
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
