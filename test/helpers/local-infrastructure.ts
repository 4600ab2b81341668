/**
 * Test harness: one local infrastructure (DynamoDB Local + fauxqs, every catalogue resource) per
 * test file or suite. Started in `before`, stopped in `after` — which node:test runs also when a
 * test fails — and, as a last resort, on process exit by the emulator module itself.
 *
 *   const local = useLocalInfrastructure();
 *   it('...', async () => { await local().clients.documents.send(...) });
 */
import { after, before } from 'node:test';
import {
  type LocalInfrastructure,
  type LocalInfrastructureOptions,
  startLocalInfrastructure,
} from '../../local/infrastructure.ts';

export function useLocalInfrastructure(options: LocalInfrastructureOptions = {}): () => LocalInfrastructure {
  let infrastructure: LocalInfrastructure | undefined;
  before(async () => {
    infrastructure = await startLocalInfrastructure({ stage: 'test', ...options });
  });
  after(async () => {
    await infrastructure?.stop();
  });
  return () => {
    if (!infrastructure) throw new Error('local infrastructure is not started: call inside a test');
    return infrastructure;
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
