/**
 * The OpenAPI 3.1 document, generated from the routes' own zod schemas (z.toJSONSchema, input
 * side: what a caller sends). Nothing here is written by hand but titles: a route added to the
 * router is in the document.
 */
import { z } from 'zod';
import { type Route, openApiPath } from './route.ts';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
};

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'issues'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    success: { type: 'boolean', const: false, description: 'Present on /market/* (seed 004).' },
  },
};

function parametersOf(
  location: 'path' | 'query',
  schema: z.ZodType | undefined,
  descriptions: Readonly<Record<string, string>> = {},
): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const description = property.description ?? descriptions[name];
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: property,
    };
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operationOf(route: Route): JsonSchema {
  const success = String(route.successStatus ?? 200);
  return {
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: [{ bearerToken: [route.scope] }],
    parameters: [
      ...parametersOf('path', route.params),
      ...parametersOf('query', route.query, route.queryDescriptions),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: !route.body.safeParse(undefined).success,
            content: { 'application/json': { schema: toSchema(route.body) } },
          },
        }
      : {}),
    responses: {
      [success]: {
        description: 'Success',
        content: { 'application/json': { schema: route.response ? toSchema(route.response) : {} } },
      },
      '400': errorResponse('Bad input: each bad field is named in `issues`; nothing was changed'),
      '401': errorResponse('No token, or an unknown or revoked one'),
      '403': errorResponse("The token's scope does not cover this route"),
      ...(route.params ? { '404': errorResponse('What the path names does not exist') } : {}),
      ...(route.mutates
        ? { '409': errorResponse('The state does not allow it (conflict, lost lease)') }
        : {}),
    },
  };
}

export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shelfwatch API',
      version: '0.1.0',
      description:
        "Definitions, runs, stats, DLQ redrive, workers, tokens, and seed 004's contract for external browser workers (/market/*). Every route needs `Authorization: Bearer <token>`; see docs/api.md.",
    },
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (swk_...). Scope operator: every route; scope worker: /market/* only.',
        },
      },
      schemas: { Error: errorSchema },
    },
  };
}
