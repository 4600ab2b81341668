/**
 * A route: method, path, who may call it, and one zod schema for each of its path parameters,
 * query and body. The same declaration registers the Hono handler (validating all three before
 * anything runs), feeds the OpenAPI document, and lets tests enumerate every route.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { type FieldIssue, ValidationError } from '../errors/index.ts';
import { type CursorSeal, listingOf } from '../paging/index.ts';
import { bodyShapeIssue } from './body-limits.ts';
import type { TokenScope } from '../tokens/index.ts';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly scope: TokenScope;
}

export interface ApiVariables {
  principal: Principal;
  requestId: string;
}

export type ApiEnv = { Variables: ApiVariables };

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
  /** The caller; absent only on public routes. */
  readonly principal: Principal;
}

export interface Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: Method;
  /** Hono syntax: `/runs/:runId`. */
  readonly path: string;
  /** OpenAPI tag: the route group. */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /**
   * operator: operator tokens only; worker: worker and operator tokens (the /market/* routes);
   * public: no token (GET /health, and the web page's files: GET / and GET /web/:file).
   */
  readonly scope: TokenScope | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Status of a success. Default 200. */
  readonly successStatus?: 200 | 201 | 202;
  /**
   * What each query parameter means, for the OpenAPI document, where its schema carries no
   * description (a schema shared with the CLI, declared in its concept's folder).
   */
  readonly queryDescriptions?: Readonly<Record<string, string>>;
  /** Shape of a success, for the OpenAPI document. */
  readonly response?: z.ZodType;
  /** Whether the route can change state (the fuzz test expects these to refuse bad input). */
  readonly mutates: boolean;
  /**
   * A paged listing: its query has `cursor` and its answer may have one. The answer's cursor is
   * sealed to this listing (route, path parameters, every query filter but `limit`), and the
   * query's is opened before the handler sees it (see shared/paging/cursor-seal.ts).
   */
  readonly paged?: boolean;
  handle(input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** Keeps each route's handler typed by its own schemas. */
export const defineRoute = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: Route<P, Q, B>,
): Route<P, Q, B> => route;

/** No query parameters: any given is refused (a typo must not pass silently). */
export const NO_QUERY = z.object({}).strict();

function issuesOf(part: 'path' | 'query' | 'body', error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const keys =
      issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((key) => `"${key}"`).join(', ')})` : '';
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : `(${part})`;
    return { field, message: `${issue.message}${keys}` };
  });
}

async function readBody(context: Context): Promise<unknown> {
  const text = await context.req.text();
  if (text.trim() === '') return undefined;
  // Before JSON.parse: a body nested too deep or too wide is refused unparsed.
  const shapeIssue = bodyShapeIssue(text);
  if (shapeIssue) throw new ValidationError('request', [shapeIssue]);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('request', [{ field: '(body)', message: 'is not valid JSON' }]);
  }
}

/** The listing a paged route's query names: route, path parameters and filters, not limit or cursor. */
function listingFor(route: Route, params: unknown, query: unknown): string {
  const filters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) filters[`:${name}`] = value;
  for (const [name, value] of Object.entries(query ?? {})) {
    if (name !== 'limit' && name !== 'cursor') filters[name] = value;
  }
  return listingOf(`${route.method.toUpperCase()} ${route.path}`, filters);
}

/** Validates path, query and body together: one answer lists every bad field. */
async function inputOf(
  route: Route,
  context: Context<ApiEnv>,
): Promise<RouteInput<z.ZodType, z.ZodType, z.ZodType>> {
  const issues: FieldIssue[] = [];
  const parse = (part: 'path' | 'query' | 'body', schema: z.ZodType | undefined, raw: unknown): unknown => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    issues.push(...issuesOf(part, parsed.error));
    return undefined;
  };
  const params = parse('path', route.params, context.req.param());
  const query = parse('query', route.query ?? NO_QUERY, context.req.query());
  const body = route.body ? parse('body', route.body, await readBody(context)) : undefined;
  if (issues.length > 0) throw new ValidationError('request', issues);
  return { params, query, body, principal: context.get('principal') };
}

/** A paged route's input with its cursor opened, and its answer with the next cursor sealed. */
async function handlePaged(
  route: Route,
  input: RouteInput<z.ZodType, z.ZodType, z.ZodType>,
  cursors: CursorSeal,
): Promise<unknown> {
  const listing = listingFor(route, input.params, input.query);
  const query = input.query as { cursor?: string };
  const opened = query.cursor ? { ...query, cursor: await cursors.open(listing, query.cursor) } : query;
  const result = (await route.handle({ ...input, query: opened })) as { cursor?: unknown };
  if (typeof result.cursor !== 'string') return result;
  return { ...result, cursor: await cursors.seal(listing, result.cursor) };
}

/** Registers a route on the app; `authorize` checks the caller's scope before any validation. */
export function registerRoute(
  app: Hono<ApiEnv>,
  route: Route,
  options: { authorize: (principal: Principal, route: Route) => void; cursors: CursorSeal },
): void {
  app.on(route.method.toUpperCase(), route.path, async (context) => {
    if (route.scope !== 'public') options.authorize(context.get('principal'), route);
    const input = await inputOf(route, context);
    const result = route.paged ? await handlePaged(route, input, options.cursors) : await route.handle(input);
    // The web page's files are answered as they are; everything else is JSON.
    if (result instanceof Response) return result;
    return context.json(result as object, route.successStatus ?? 200);
  });
}

/** `/runs/:runId` → `/runs/{runId}` (OpenAPI syntax). */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
