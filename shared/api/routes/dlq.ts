/** Dead-letter queues: peek (moves nothing), redrive one message or all of a priority. */
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { integerParam, prioritySchema } from '../schemas.ts';
import { PRIORITIES } from '../../definitions/index.ts';

const TAG = 'dlq';
const priorityParams = z.object({ priority: prioritySchema }).strict();

export const redriveBody = z.union([
  z.object({ messageId: z.string().min(1).max(128) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export function dlqRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/dlq',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Messages in each DLQ',
      async handle() {
        const depths = await Promise.all(PRIORITIES.map((p) => deps.deadLetters.depth(p)));
        return Object.fromEntries(
          PRIORITIES.map((priority, index) => [priority, { messages: depths[index] }]),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dlq/:priority/messages',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Peek at up to 10 messages of a DLQ (they stay where they are)',
      params: priorityParams,
      query: z.object({ limit: integerParam(1, 10).default(10) }).strict(),
      async handle({ params, query }) {
        return { messages: await deps.deadLetters.peek(params.priority, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dlq/:priority/redrive',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary:
        'Move one message ({ messageId }) or all ({ all: true }) back to the queue; DEAD_LETTERED runs reopen',
      params: priorityParams,
      body: redriveBody,
      async handle({ params, body }) {
        const now = deps.clock();
        const redriven =
          'messageId' in body
            ? [await deps.deadLetters.redriveOne(params.priority, body.messageId, now)]
            : await deps.deadLetters.redriveAll(params.priority, now);
        return { redriven };
      },
    }),
  ];
}
