/** API tokens: list, create (the token is shown once), revoke. */
import { z } from 'zod';
import { checkVisibleText } from '../../definitions/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { tokenIdSchema } from '../schemas.ts';
import { TOKEN_SCOPES } from '../../tokens/index.ts';

const TAG = 'tokens';

export const createTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100).superRefine(checkVisibleText),
    scope: z.enum(TOKEN_SCOPES),
  })
  .strict();

export function tokenRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/tokens',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'List tokens (never their secrets)',
      handle: async () => ({ tokens: await deps.tokens.list() }),
    }),
    defineRoute({
      method: 'post',
      path: '/tokens',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Create a token: operator (every route) or worker (/market/* only). The token is shown once.',
      body: createTokenBody,
      successStatus: 201,
      handle: ({ body }) => deps.tokens.create(body, deps.clock()),
    }),
    defineRoute({
      method: 'delete',
      path: '/tokens/:tokenId',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Revoke a token: it is refused from the next request on',
      params: z.object({ tokenId: tokenIdSchema }).strict(),
      handle: ({ params }) => deps.tokens.revoke(params.tokenId, deps.clock()),
    }),
  ];
}
