/**
 * Counts the AWS requests a client sends, by command name, through the SDK's middleware stack
 * (each retry is a separate request: counted at the finalize step, after the retry middleware).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface RequestCounter {
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
  /** Requests made while `work` runs, by command name. */
  during<T>(work: () => Promise<T>): Promise<{ result: T; requests: Record<string, number> }>;
}

let sequence = 0;

export function countRequests(client: Pick<DynamoDBClient, 'middlewareStack'>): RequestCounter {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', name: `shelfwatchRequestCounter${(sequence += 1)}`, priority: 'low' },
  );
  const counter: RequestCounter = {
    counts,
    total: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    reset: () => counts.clear(),
    async during(work) {
      const before = new Map(counts);
      const result = await work();
      const requests: Record<string, number> = {};
      for (const [name, count] of counts) {
        const delta = count - (before.get(name) ?? 0);
        if (delta > 0) requests[name] = delta;
      }
      return { result, requests };
    },
  };
  return counter;
}
