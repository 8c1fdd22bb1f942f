import { z } from 'zod';
import { API_ROUTES, type RouteDoc } from './api-routes.ts';

type JsonSchema = Record<string, unknown>;

/** JSON Schema of what a caller sends; transforms and refinements are described by their input. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Machine-readable code, such as validation_failed or not_found' },
    message: { type: 'string' },
    problems: {
      type: 'array',
      description: 'One entry per invalid field, named as sent (body.events[3].occurredAt)',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    errorId: { type: 'string', description: 'On 500 only: quote it when reporting the failure' },
  },
};

function operation(route: RouteDoc): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query) {
    const schema = inputSchema(route.query);
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) {
      parameters.push({ name, in: 'query', required: required.has(name), schema: property });
    }
  }

  const responses: Record<string, JsonSchema> = {};
  for (const [status, description] of Object.entries(route.success)) {
    responses[status] = { description, content: { [route.produces ?? 'application/json']: {} } };
  }
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  if (route.body || route.query || parameters.length > 0) {
    responses['400'] = errorResponse('Invalid input; `problems` names each bad field');
  }
  if (route.path.includes('{')) {
    responses['404'] = errorResponse('The resource named in the path does not exist');
  }
  if (route.method === 'post' && route.path.startsWith('/v1/admin/')) {
    responses['409'] = errorResponse('A resource with that name or key exists');
  }
  if (route.roles !== 'public') {
    responses['401'] = errorResponse('Missing, malformed, unknown or revoked API key');
    responses['403'] = errorResponse('The API key lacks a role this route admits');
  }
  responses['500'] = errorResponse('Unexpected failure; the body carries only an error id');

  const result: JsonSchema = { tags: [route.tag], summary: route.summary, parameters, responses, ...accessOf(route) };
  if (route.body) {
    const schemas = Array.isArray(route.body) ? route.body.map(inputSchema) : [inputSchema(route.body)];
    result.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemas.length === 1 ? schemas[0] : { oneOf: schemas } } },
    };
  }
  return result;
}

/**
 * Returns the security requirement of an operation: none for public routes, otherwise the
 * bearer API key, with the admitted roles in the description and in `x-wayline-roles`.
 */
function accessOf(route: RouteDoc): JsonSchema {
  if (route.roles === 'public') {
    return { security: [], description: 'Public: no API key needed.' };
  }
  const roles = ['admin', ...route.roles.filter((role) => role !== 'admin')];
  return { security: [{ apiKey: [] }], description: `Roles: ${roles.join(', ')}.`, 'x-wayline-roles': roles };
}

/** Builds the OpenAPI 3.1 document of every route in {@link API_ROUTES}. */
export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of API_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wayline API',
      version,
      description: 'Journey scoring, next best offer, scheduled outreach and uplift measurement.',
    },
    paths,
    security: [{ apiKey: [] }],
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key, sent as "Authorization: Bearer <key>". Each key has one role: admin, marketer, analyst or platform.',
        },
      },
    },
  };
}
