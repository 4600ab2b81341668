/**
 * Authentication on every request but the public ones (GET /health, which says only "ok", and
 * the web page's static files, which hold no data): `Authorization: Bearer <token>`, checked against the hashed
 * tokens in the control table. A request to an unknown path gets 401 without a valid token, so
 * nothing about the API is learnt without one.
 */
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthorizedError } from '../errors/index.ts';
import type { ApiEnv, Principal, Route } from './route.ts';
import type { TokenStore } from '../tokens/index.ts';

export const PUBLIC_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/web/:file' },
];

/** `/web/:file` matches `/web/app.js`: one parameter is one path segment. */
const PUBLIC_PATTERNS = PUBLIC_ROUTES.map(({ method, path }) => ({
  method,
  pattern: new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
}));

const isPublic = (method: string, path: string): boolean =>
  PUBLIC_PATTERNS.some((route) => route.method === method && route.pattern.test(path));

const REFUSALS = {
  malformed: 'the bearer token is not a Shelfwatch token (swk_...): check what was sent',
  unknown: 'the bearer token is not known: it may be mistyped, or belong to another stage',
  revoked: 'the bearer token was revoked: ask an operator for a new one',
} as const;

export function authenticate(tokens: Pick<TokenStore, 'authenticate'>): MiddlewareHandler<ApiEnv> {
  return async (context, next) => {
    if (isPublic(context.req.method, context.req.path)) return next();
    const header = context.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new UnauthorizedError('send an API token: "Authorization: Bearer swk_..."');
    }
    const outcome = await tokens.authenticate(match[1]);
    if (!outcome.authenticated) throw new UnauthorizedError(REFUSALS[outcome.reason]);
    const { tokenId, name, scope } = outcome.token;
    context.set('principal', { tokenId, name, scope });
    return next();
  };
}

/** Operators may call everything; worker tokens only the worker routes (/market/*). */
export function authorize(principal: Principal, route: Route): void {
  if (principal.scope === 'operator' || route.scope !== 'operator') return;
  throw new ForbiddenError(
    `a ${principal.scope} token may not call ${route.method.toUpperCase()} ${route.path}: it needs an operator token`,
  );
}
