/**
 * The API on a local port (127.0.0.1 only): the same Hono app the Lambda serves, for `npm start`,
 * the CLI against a local pipeline, and tests that speak real HTTP.
 *
 * Bodies are read whole before the app sees them, as API Gateway does for the Lambda: one over
 * MAX_BODY_BYTES is read to its end and discarded, then answered 413, so the client (still
 * sending) gets the answer instead of a reset connection. Past MAX_READ_BYTES (16 MB, more than
 * API Gateway's 10 MB) the answer is sent at once and the connection closed.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { type ApiDependencies, createApi, MAX_BODY_BYTES, payloadTooLargeBody } from '../shared/api/index.ts';

export const MAX_READ_BYTES = 16 * 1024 * 1024;

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

function answerTooLarge(outgoing: ServerResponse, closeConnection: boolean): void {
  const body = JSON.stringify(payloadTooLargeBody());
  outgoing.writeHead(413, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  outgoing.end(body);
}

/** Reads the body (keeping at most MAX_BODY_BYTES) and hands the request on, or answers 413. */
function readThen(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  next: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown,
): void {
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_READ_BYTES) {
    answerTooLarge(outgoing, true);
    return;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    else chunks.length = 0;
    if (bytes > MAX_READ_BYTES) {
      incoming.off('data', onData);
      incoming.pause();
      answerTooLarge(outgoing, true);
    }
  };
  incoming.on('data', onData);
  incoming.once('error', () => incoming.destroy());
  incoming.once('end', () => {
    if (bytes > MAX_READ_BYTES) return;
    if (bytes > MAX_BODY_BYTES) {
      answerTooLarge(outgoing, false);
      return;
    }
    // @hono/node-server takes a body read beforehand from `rawBody`.
    Object.assign(incoming, { rawBody: Buffer.concat(chunks) });
    void next(incoming, outgoing);
  });
}

export async function startApiServer(options: {
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly dependencies: ApiDependencies;
}): Promise<ApiServer> {
  const listener = getRequestListener(createApi(options.dependencies).fetch);
  const server = createServer((incoming, outgoing) => readThen(incoming, outgoing, listener));
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
