/**
 * The local API on a real port, over a fresh stage in DynamoDB Local and fauxqs, on the wall
 * clock, for tests written as an outside client: they get a base URL and two tokens, nothing
 * else of the project. Started in `before`, stopped in `after`.
 */
import { after, before } from 'node:test';
import { startApiServer, type ApiServer } from '../../local/api-server.ts';
import { apiStage } from './api.ts';
import { useLocalInfrastructure } from './local-infrastructure.ts';

export interface SeedApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** For the seed's 管理员 (administrator), who creates tasks. */
  readonly operatorToken: string;
  /** For browser workers. */
  readonly workerToken: string;
  /** How long a worker's lease lasts without news, in this server. */
  readonly workerLeaseMs: number;
}

export function useSeedApiServer(options: { workerLeaseMs: number }): () => SeedApi {
  const local = useLocalInfrastructure();
  let server: ApiServer | undefined;
  let api: SeedApi | undefined;
  before(async () => {
    const stage = await apiStage(local(), { clock: Date.now, workerLeaseMs: options.workerLeaseMs });
    server = await startApiServer({ port: 0, dependencies: stage.deps });
    api = {
      url: server.url,
      operatorToken: stage.operatorToken,
      workerToken: stage.workerToken,
      workerLeaseMs: options.workerLeaseMs,
    };
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!api) throw new Error('the API is not started: call inside a test');
    return api;
  };
}
