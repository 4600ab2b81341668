/**
 * The API on a local port (127.0.0.1 only): the same Hono app the Lambda serves, for `npm start`,
 * the CLI against a local pipeline, and tests that speak real HTTP.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type ApiDependencies, createApi } from '../shared/api/index.ts';

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startApiServer(options: {
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly dependencies: ApiDependencies;
}): Promise<ApiServer> {
  const server = createAdaptorServer({ fetch: createApi(options.dependencies).fetch });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
