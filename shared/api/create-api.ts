/**
 * The API as one Hono app: the same app runs in Lambda (functions/api/handler.ts), on a local
 * port (local/api-server.ts) and in tests (`app.request(...)`).
 *
 *   request id → body size limit → authentication → route (authorize, validate, handle) → JSON
 *   any error  → errors.ts: 4xx with the fields named, or 500 with a reference (logged)
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { authenticate, authorize } from './auth.ts';
import { MAX_BODY_BYTES, payloadTooLargeBody } from './body-limits.ts';
import type { ApiDependencies } from './dependencies.ts';
import { errorAnswer, type ErrorBody } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { type ApiEnv, defineRoute, registerRoute, type Route } from './route.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { dlqRoutes } from './routes/dlq.ts';
import { itemRoutes } from './routes/items.ts';
import { exportRoutes } from './routes/exports.ts';
import { marketRoutes } from './routes/market.ts';
import { ruleRoutes } from './routes/rules.ts';
import { runRoutes } from './routes/runs.ts';
import { statsRoutes } from './routes/stats.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { webRoutes } from './routes/web.ts';
import { workerRoutes } from './routes/workers.ts';

/** Every route of the API, in the order they are registered. */
export function apiRoutes(deps: ApiDependencies): Route[] {
  const routes: Route[] = [
    ...definitionRoutes(deps),
    ...runRoutes(deps),
    ...itemRoutes(deps),
    ...statsRoutes(deps),
    ...exportRoutes(deps),
    ...alarmRoutes(deps),
    ...dlqRoutes(deps),
    ...workerRoutes(deps),
    ...tokenRoutes(deps),
    ...ruleRoutes(deps),
    ...marketRoutes(deps),
    ...webRoutes(deps),
  ];
  let document: unknown;
  const meta = [
    defineRoute({
      method: 'get',
      path: '/health',
      tag: 'meta',
      scope: 'public',
      mutates: false,
      summary: 'Liveness: answers {"status":"ok"} and nothing else (no token needed)',
      handle: () => Promise.resolve({ status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      tag: 'meta',
      scope: 'operator',
      mutates: false,
      summary: 'This OpenAPI 3.1 document (behind a token like everything else)',
      handle: () => {
        document ??= openApiDocument(all);
        return Promise.resolve(document);
      },
    }),
  ];
  const all = [...routes, ...meta];
  return all;
}

function answerError(context: Context<ApiEnv>, error: unknown, deps: ApiDependencies): Response {
  const reference = context.get('requestId') ?? randomUUID();
  if (error instanceof HTTPException && error.status < 500) {
    const body: ErrorBody = {
      error: { code: `HTTP_${error.status}`, message: error.message || 'request refused', issues: [] },
    };
    return context.json(body, error.status);
  }
  const answer = errorAnswer(error, reference);
  if (answer.status === 500) {
    deps.logError('unexpected error answered 500', {
      reference,
      method: context.req.method,
      path: context.req.path,
      error:
        error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
    });
  }
  const market = context.req.path.startsWith('/market/');
  return context.json(market ? { success: false, ...answer.body } : answer.body, answer.status);
}

export function createApi(deps: ApiDependencies): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use(async (context, next) => {
    const requestId = randomUUID();
    context.set('requestId', requestId);
    await next();
    context.header('x-request-id', requestId);
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (context) => context.json(payloadTooLargeBody(), 413),
    }),
  );
  app.use(authenticate(deps.tokens));
  for (const route of apiRoutes(deps)) registerRoute(app, route, { authorize, cursors: deps.cursors });
  app.notFound((context) =>
    context.json(
      {
        error: {
          code: 'ROUTE_NOT_FOUND',
          message: `no route ${context.req.method} ${context.req.path}: the routes are listed in GET /openapi.json`,
          issues: [],
        },
      },
      404,
    ),
  );
  app.onError((error, context) => answerError(context, error, deps));
  return app;
}
