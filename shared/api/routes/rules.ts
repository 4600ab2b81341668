/** Watch rules: create, list, get, update, delete, and test-fire against an item (records nothing). */
import { z } from 'zod';
import {
  itemKeySchema,
  newRuleSchema,
  ruleIdSchema,
  rulePatchSchema,
  testFireRule,
  type TestFireStores,
} from '../../rules/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { pageQuery } from '../schemas.ts';

const TAG = 'rules';
const idParams = z.object({ ruleId: ruleIdSchema }).strict();

export const testFireBody = z
  .object({
    itemKey: itemKeySchema,
    /** Days of changes to replay, up to now. */
    days: z.number().int().min(1, 'must be at least 1').max(90, 'must be at most 90').default(7),
  })
  .strict();

export function ruleRoutes(deps: ApiDependencies): Route[] {
  const testFireStores: TestFireStores = {
    get states() {
      return deps.changes;
    },
    get changes() {
      return deps.changes;
    },
    get items() {
      return deps.items;
    },
  };
  return [
    defineRoute({
      method: 'post',
      path: '/rules',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Create a watch rule',
      description:
        'A rule fires when its condition becomes true for an item in its scope, and re-arms once it was false again (move conditions: also once their cool-down passed). See docs/rules.md.',
      body: newRuleSchema,
      successStatus: 201,
      handle: ({ body }) => deps.rules.create(body, deps.clock()),
    }),
    defineRoute({
      method: 'get',
      path: '/rules',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'List watch rules, a page at a time',
      query: z.object({ ...pageQuery(1000) }).strict(),
      paged: true,
      handle: ({ query }) => deps.rules.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/rules/:ruleId',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Get one watch rule',
      params: idParams,
      handle: ({ params }) => deps.rules.get(params.ruleId),
    }),
    defineRoute({
      method: 'patch',
      path: '/rules/:ruleId',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Change fields of a watch rule (`coolDownMinutes: null` removes the cool-down)',
      params: idParams,
      body: rulePatchSchema,
      handle: ({ params, body }) => deps.rules.update(params.ruleId, body, deps.clock()),
    }),
    defineRoute({
      method: 'delete',
      path: '/rules/:ruleId',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Delete a watch rule (its arm states and firings expire with the changes’ retention)',
      params: idParams,
      handle: ({ params }) => deps.rules.delete(params.ruleId),
    }),
    defineRoute({
      method: 'post',
      path: '/rules/:ruleId/test',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Test-fire a rule against one item: what it would do, and why (records nothing)',
      description:
        "Replays the item's changes of the last `days` days as if the rule were new for the item, and judges its current state.",
      params: idParams,
      body: testFireBody,
      async handle({ params, body }) {
        const rule = await deps.rules.get(params.ruleId);
        const [platform = '', marketplace = '', ...rest] = body.itemKey.split('#');
        return testFireRule(rule, { platform, marketplace, itemId: rest.join('#') }, testFireStores, {
          nowMs: deps.clock(),
          days: body.days,
        });
      },
    }),
  ];
}
