import fc from 'fast-check';
import { parse as parseQueryString } from 'node:querystring';
import type { z } from 'zod';
import { customerIdSchema } from '#wayline/common';
import type { PrismaClient } from '#wayline/database';
import { API_ROUTES, type RouteDoc } from '../../apps/api/src/openapi/api-routes.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Sends malformed requests to every route that takes a body, query or path parameter and
 * expects each one to be rejected with a 4xx and a JSON message, and nothing to be written.
 * Every case is checked against the route's own zod schema before it is sent, so a case
 * that the schema accepts is never counted as malformed.
 */

const SEED = Number(process.env.WAYLINE_FUZZ_SEED ?? 20261205);
const MIN_REQUESTS = 10_000;
const CONCURRENCY = 8;
/**
 * Maximum length of a request target sent. Node's HTTP server rejects a longer request line
 * with a bare 431 before any application code runs, so longer ones test Node, not Wayline.
 */
const MAX_URL_LENGTH = 8_000;

/** Resources the seed step creates, so that path parameters can reach body and query validation. */
const SEEDED = {
  customer: 'fuzz-customer',
  channel: 'mail',
  offer: 'fuzz-offer',
  campaign: 'fuzz-campaign',
  journey: 'customer-lifecycle',
};

// ---------------------------------------------------------------------------------------
// Values

const SPECIAL_STRINGS = [
  '', ' ', '  padded  ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202e\u0041', '\ufeff', '\u200b', 'e\u0301',
  '\u{1d518}\u{1d52b}', '\u{1f3f3}\u{fe0f}\u200d\u{1f308}', '\t', '\r\n', '\u2028', '\uffff',
  "' OR '1'='1", "'; DROP TABLE customers; --", '" OR ""="', '1; SELECT pg_sleep(5)', "') UNION SELECT * FROM channels --",
  "{{constructor.constructor('return process')()}}", '{{#each this}}{{/each}}', '{{> partial}}', '${process.env}', '#{7*7}',
  '<%= 7*7 %>', '<script>alert(1)</script>', '../../etc/passwd', '%00', '%2e%2e%2f', '__proto__', 'constructor', 'prototype',
  'NaN', 'Infinity', '-1', '1e309', '0x10', 'true', 'null', '[]', '{}',
  '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-12-04T25:61:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z',
  '2026-12-04', 'yesterday', '+275760-09-13T00:00:00Z', '2026-12-04T10:00:00+25:00',
];

const SPECIAL_NUMBERS = [-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 1e-320, 1e12 + 1, 99_999_999_999, Number.MIN_VALUE];

/** Strings for every place: special ones, arbitrary code units including lone surrogates, and long ones. */
function stringValue(maxHugeLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: Math.min(65, maxHugeLength), max: maxHugeLength }), fc.constantFrom('A', 'é', '\u{1f600}', "'", '{{x}}'))
        .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length))),
    },
  );
}

/** Objects or arrays nested deeper than any schema allows. */
const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 17, max: 1000 }) }, { weight: 1, arbitrary: fc.constantFrom(2_000, 4_000) }), fc.boolean())
  .map(([depth, useArrays]) => {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level++) {
      value = useArrays ? [value] : { nested: value };
    }
    return value;
  });

const leafValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: stringValue(20_000) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...SPECIAL_NUMBERS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false) },
);

/** Any JSON value a malformed request could carry in a field. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: leafValue },
  { weight: 2, arbitrary: fc.array(leafValue, { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(stringValue(300), leafValue, { maxKeys: 3 }) },
  { weight: 1, arbitrary: deeplyNested },
);

const RAW_BODIES = [
  '{', '{"a":', '[1,2', 'nul', "{'a':1}", '{"a":1}}', '\u0000', '{"a":"\\ud800"', '{"a":01}', '{"a":NaN}', '{"a":1,}', '"text"', '42', 'true',
];

// ---------------------------------------------------------------------------------------
// Valid examples, which the generators mutate into malformed ones

const NOW = new Date().toISOString();
const VALID_EVENT = {
  customerId: SEEDED.customer, type: 'web_visit', touchpoint: 'web_visit', channel: 'web', occurredAt: NOW,
  text: 'Fine', rating: 3, value: 10, waitSeconds: 5, properties: { page: '/home' }, attributes: { segment: 'a' }, idempotencyKey: 'fuzz-valid',
};

const VALID_BODIES: Record<string, unknown[]> = {
  'post /v1/events': [VALID_EVENT, { events: [VALID_EVENT, { ...VALID_EVENT, idempotencyKey: 'fuzz-valid-2' }] }],
  'post /v1/outcomes': [{ customerId: SEEDED.customer, campaign: SEEDED.campaign, type: 'conversion', value: 5, occurredAt: NOW, idempotencyKey: 'fuzz-outcome' }],
  'put /v1/customers/{customerId}/consent': [{ channels: { mail: 'granted' } }],
  'put /v1/customers/{customerId}/time-zone': [{ timeZone: 'Europe/Berlin' }],
  'put /v1/admin/contact-policy': [{ maxPerDay: 3, maxPerWeek: 10, quietHours: { start: '21:00', end: '08:00' }, cooldownHours: 24, defaultTimeZone: 'UTC' }],
  'put /v1/admin/contact-policy/channels/{name}': [{ maxPerDay: 1, maxPerWeek: 3, requiresConsent: true }],
  'post /v1/admin/channels': [{ name: 'fuzz-new', webhookUrl: 'http://127.0.0.1:9/new', kind: 'webhook', timeoutMs: 1000 }],
  'patch /v1/admin/channels/{name}': [{ webhookUrl: 'http://127.0.0.1:9/changed', active: true }],
  'post /v1/admin/dead-letters/retry': [{ ids: ['00000000-0000-4000-8000-000000000000'], channel: 'mail', campaign: SEEDED.campaign }],
  'post /v1/admin/offers': [{ name: 'fuzz-new-offer', channel: 'mail', content: { subject: 'Hi' }, value: 5, requiredAttributes: [] }],
  'patch /v1/admin/offers/{name}': [{ value: 7, content: { subject: 'Hello' } }],
  'post /v1/admin/campaigns': [
    { key: 'fuzz-new', name: 'New', rule: { '>=': [{ var: 'customer.engagement' }, 1] }, offers: [SEEDED.offer], holdoutShare: 0.2, priority: 1 },
  ],
  'patch /v1/admin/campaigns/{key}': [{ name: 'Renamed', holdoutShare: 0.5 }],
  'post /v1/campaigns/{key}/preview': [{ customerId: SEEDED.customer, sampleSize: 5 }],
  'post /v1/admin/journeys': [{ key: 'fuzz-journey', name: 'Fuzz', priority: 1, stages: [{ key: 'first', name: 'First', touchpoints: ['web_visit'] }] }],
  'patch /v1/admin/journeys/{key}': [{ name: 'Renamed', priority: 2 }],
  'post /v1/admin/platform-keys': [{ name: 'fuzz-key' }],
};

const VALID_QUERIES: Record<string, Array<Record<string, string>>> = {
  'get /v1/customers/{customerId}/journey': [{ limit: '5' }],
  'get /v1/feed': [{ customer: SEEDED.customer, journey: SEEDED.journey }],
  'get /v1/customers/{customerId}/next-best-offer': [{ channel: 'mail', limit: '2' }],
  'get /v1/reports/feedback-consistency': [{ by: 'customer', limit: '10' }],
  'get /v1/reports/uplift': [{ campaign: SEEDED.campaign, metric: 'conversion', by: 'segment', format: 'csv' }],
  'get /v1/reports/uplift/cumulative': [{ campaign: SEEDED.campaign, metric: 'visit', mixtureScale: '1' }],
  'get /v1/models/{offer}': [{ limit: '3' }],
  'get /v1/admin/channels': [{ active: 'true' }],
  'get /v1/admin/messages': [{ customer: SEEDED.customer, status: 'sent', limit: '5' }],
  'get /v1/admin/dead-letters': [{ channel: 'mail', limit: '10' }],
  'get /v1/admin/offers': [{ channel: 'mail', active: 'false' }],
  'get /v1/admin/campaigns': [{ active: 'true' }],
  'get /v1/admin/journeys': [{ active: 'true' }],
  'get /v1/platform/customers/{customerId}/offer': [{ channel: 'mail' }],
  'get /v1/audiences/{campaign}': [{ format: 'json', limit: '10' }],
};

/** Returns a value that exists for the path parameter, so requests get past the lookup of the resource. */
function existingParameter(path: string, parameter: string): string {
  switch (parameter) {
    case 'customerId':
      return SEEDED.customer;
    case 'offer':
      return SEEDED.offer;
    case 'campaign':
      return SEEDED.campaign;
    case 'decisionId':
    case 'id':
      return '00000000-0000-4000-8000-000000000000';
    case 'key':
      return path.includes('journeys') ? SEEDED.journey : SEEDED.campaign;
    case 'name':
      if (path.includes('/offers/')) return SEEDED.offer;
      if (path.includes('/dashboard/')) return 'dashboard.js';
      return SEEDED.channel;
    default:
      throw new Error(`No existing value for path parameter ${parameter} of ${path}`);
  }
}

// ---------------------------------------------------------------------------------------
// Mutations of valid examples

type JsonPath = Array<string | number>;

function pathsOf(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      paths.push(...pathsOf(item, [...prefix, key]));
    }
  }
  return paths;
}

/** Returns a copy of `root` with the value at `path` replaced, or removed when `replacement` is `REMOVE`. */
const REMOVE = Symbol('remove');
function withValueAt(root: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) {
    return replacement === REMOVE ? {} : replacement;
  }
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) {
    parent = parent[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

function mutatedBody(example: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  const objectPaths = paths.filter((path) => {
    const value = path.reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)[segment], example);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  });
  const fieldPaths = paths.filter((path) => path.length > 0);
  const mutations: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...paths), jsonValue).map(([path, value]) => withValueAt(example, path, value)) },
  ];
  if (fieldPaths.length > 0) {
    mutations.push({ weight: 2, arbitrary: fc.constantFrom(...fieldPaths).map((path) => withValueAt(example, path, REMOVE)) });
  }
  if (objectPaths.length > 0) {
    mutations.push({
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...objectPaths), stringValue(200), jsonValue).map(([path, key, value]) => withValueAt(example, [...path, key], value)),
    });
  }
  return fc.oneof(...mutations);
}

// ---------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  method: RouteDoc['method'];
  /** Path with its query string, percent-encoded as sent. */
  url: string;
  /** JSON body, or a raw string body sent with `contentType`. */
  body?: { json: unknown } | { raw: string; contentType: string };
  /** Route and the kind of damage, to group failures. */
  label: string;
}

/** Percent-encodes the UTF-8 bytes of `text`. A lone surrogate becomes U+FFFD, as an HTTP client sends it. */
function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function buildPath(route: RouteDoc, parameters: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => parameters[name] ?? percentEncode(existingParameter(route.path, name)));
}

function buildQuery(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${percentEncode(key)}=${percentEncode(item)}`);
    }
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function routeKey(route: RouteDoc): string {
  return `${route.method} ${route.path}`;
}

function bodySchemas(route: RouteDoc): z.ZodType[] {
  return route.body === undefined ? [] : Array.isArray(route.body) ? route.body : [route.body];
}

/** Returns the body as the server parses it. JSON drops undefined, and NaN and Infinity become null. */
function afterTransport(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

function bodyIsInvalid(route: RouteDoc, body: unknown): boolean {
  return bodySchemas(route).every((schema) => !schema.safeParse(afterTransport(body)).success);
}

function queryIsInvalid(route: RouteDoc, url: string): boolean {
  const queryString = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return !route.query!.safeParse({ ...parseQueryString(queryString) }).success;
}

/**
 * Returns whether a path parameter is malformed. Any customer id that passes the schema is valid,
 * because some routes (consent, time zone) create the customer. Other parameters name
 * resources that must exist, so an unknown value is as wrong as a malformed one.
 */
function pathParameterIsInvalid(name: string, encodedSegment: string): boolean {
  if (name !== 'customerId') {
    return true;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedSegment);
  } catch {
    return true;
  }
  return !customerIdSchema.safeParse(decoded).success;
}

function validExampleQuery(route: RouteDoc): Record<string, string> {
  return VALID_QUERIES[routeKey(route)]?.[0] ?? {};
}

function validExampleBody(route: RouteDoc): unknown {
  return VALID_BODIES[routeKey(route)]?.[0] ?? {};
}

/** Generators of malformed requests for one route, each with a name for the failure report. */
function requestGenerators(route: RouteDoc): Array<{ kind: string; arbitrary: fc.Arbitrary<FuzzRequest> }> {
  const generators: Array<{ kind: string; arbitrary: fc.Arbitrary<FuzzRequest> }> = [];
  const label = (kind: string) => `${route.method.toUpperCase()} ${route.path} (${kind})`;
  const parameterNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const validQuery = buildQuery(validExampleQuery(route));

  if (parameterNames.length > 0) {
    const badSegment = fc.oneof(
      { weight: 5, arbitrary: stringValue(600).filter((value) => value !== '' && value !== '.' && value !== '..').map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%FF%FE', '%ED%A0%80', '%C0%AF') },
    );
    const existing = new Set(parameterNames.map((name) => percentEncode(existingParameter(route.path, name))));
    generators.push({
      kind: 'path',
      arbitrary: fc
        .tuple(fc.constantFrom(...parameterNames), badSegment)
        .filter(([name, segment]) => !existing.has(segment) && pathParameterIsInvalid(name, segment))
        .map(([name, segment]) => ({
          method: route.method,
          url: buildPath(route, { [name]: segment }) + validQuery,
          body: route.body === undefined ? undefined : { json: validExampleBody(route) },
          label: label('path'),
        })),
    });
  }

  if (route.query !== undefined) {
    const example = validExampleQuery(route);
    const keys = [...Object.keys(example), 'limit', 'unknown', '__proto__', 'constructor'];
    const queryValue = fc.oneof(
      { weight: 4, arbitrary: stringValue(600) },
      { weight: 1, arbitrary: fc.array(stringValue(100), { minLength: 2, maxLength: 3 }) },
      { weight: 1, arbitrary: jsonValue.map((value) => JSON.stringify(value)?.slice(0, 1500) ?? 'undefined') },
    );
    generators.push({
      kind: 'query',
      arbitrary: fc
        .oneof(
          fc.tuple(fc.constantFrom(...keys), queryValue).map(([key, value]) => ({ ...example, [key]: value })),
          fc.constantFrom(...Object.keys(example).concat('')).map((key) => {
            const copy: Record<string, string | string[]> = { ...example };
            delete copy[key];
            return copy;
          }),
          fc.dictionary(stringValue(60), queryValue, { minKeys: 1, maxKeys: 3 }).map((extra) => ({ ...example, ...extra })),
        )
        .map((query) => ({
          method: route.method,
          url: buildPath(route, {}) + buildQuery(query),
          body: route.body === undefined ? undefined : { json: validExampleBody(route) },
          label: label('query'),
        }))
        .filter((request) => queryIsInvalid(route, request.url)),
    });
  }

  if (route.body !== undefined) {
    const examples = VALID_BODIES[routeKey(route)] ?? [{}];
    const body = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...examples).chain(mutatedBody) },
      { weight: 1, arbitrary: jsonValue },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...examples), { minLength: 1, maxLength: 2 }) },
    );
    generators.push({
      kind: 'body',
      arbitrary: body
        .filter((value) => bodyIsInvalid(route, value))
        .map((value) => ({ method: route.method, url: buildPath(route, {}) + validQuery, body: { json: value }, label: label('body') })),
    });
    generators.push({
      kind: 'raw body',
      arbitrary: fc
        .oneof(
          fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw, contentType: 'application/json' })),
          fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml').map((contentType) => ({
            raw: JSON.stringify(examples[0]),
            contentType,
          })),
          fc.constant({ raw: JSON.stringify(examples[0]), contentType: 'application/json; charset=utf-16' }),
        )
        .map((raw) => ({ method: route.method, url: buildPath(route, {}) + validQuery, body: raw, label: label('raw body') })),
    });
  }
  return generators;
}

interface Outcome {
  request: FuzzRequest;
  status: number;
  problem: string | null;
}

/** Sends the request and returns what is wrong with the response, or null when it is a proper rejection. */
async function send(testApp: TestApp, request: FuzzRequest): Promise<Outcome> {
  const headers: Record<string, string> = { authorization: `Bearer ${testApp.adminKey}` };
  let payload: string | undefined;
  if (request.body !== undefined && 'json' in request.body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(request.body.json);
  } else if (request.body !== undefined) {
    headers['content-type'] = request.body.contentType;
    payload = request.body.raw;
  }

  let response: Response;
  try {
    response = await fetch(testApp.url + request.url, {
      method: request.method.toUpperCase(),
      headers,
      body: payload,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return { request, status: 0, problem: `request failed: ${(error as Error).message}` };
  }

  const text = await response.text();
  if (response.status < 400 || response.status > 499) {
    return { request, status: response.status, problem: `status ${response.status}: ${text.slice(0, 300)}` };
  }
  let body: { message?: unknown; error?: unknown; problems?: Array<{ path?: unknown; message?: unknown }> };
  try {
    body = JSON.parse(text);
  } catch {
    return { request, status: response.status, problem: `body is not JSON: ${text.slice(0, 200)}` };
  }

  if (typeof body.message !== 'string' || body.message.length === 0) {
    return { request, status: response.status, problem: `no message in ${text.slice(0, 200)}` };
  }
  if (body.error === 'validation_failed') {
    const named = (body.problems ?? []).every((problem) => typeof problem.path === 'string' && typeof problem.message === 'string');
    if (!named || (body.problems ?? []).length === 0) {
      return { request, status: response.status, problem: `validation error without named problems: ${text.slice(0, 200)}` };
    }
  }
  return { request, status: response.status, problem: null };
}

/**
 * Row count and a hash of the content of every table, to detect any write. `last_used_at`
 * is left out of the hash, because authenticating a request records when its key was used.
 */
async function snapshotTables(prisma: PrismaClient): Promise<Record<string, string>> {
  const tables = await prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const snapshot: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<{ count: bigint; digest: string | null }>>(
      `SELECT count(*) AS count, md5(string_agg(r.row, '|' ORDER BY r.row)) AS digest
       FROM (SELECT (to_jsonb(t) - 'last_used_at')::text AS row FROM "${table}" t) r`,
    );
    snapshot[table] = `${rows[0]!.count} rows, ${rows[0]!.digest ?? 'empty'}`;
  }
  return snapshot;
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body=${('json' in request.body ? JSON.stringify(request.body.json) : request.body.raw).slice(0, 300)}`;
  return `${request.method.toUpperCase()} ${request.url.slice(0, 300)}${body}`;
}

describe('malformed requests to every route', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_RATE_LIMIT_ADMIN: '0' } });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: SEEDED.channel, webhookUrl: 'http://127.0.0.1:9/mail' }).expect(201);
    await api.post('/v1/admin/offers').send({ name: SEEDED.offer, channel: SEEDED.channel, content: { subject: 'Hello' } }).expect(201);
    // Everyone is in control, so a decision schedules no message.
    await api.post('/v1/admin/campaigns').send({ key: SEEDED.campaign, name: 'Fuzz', offers: [SEEDED.offer], holdoutShare: 1 }).expect(201);
    await api
      .post('/v1/events')
      .send({ customerId: SEEDED.customer, type: 'web_visit', touchpoint: 'web_visit', channel: 'web', occurredAt: NOW, attributes: { segment: 'a' } })
      .expect(202);
    await api.get(`/v1/customers/${SEEDED.customer}/next-best-offer?channel=${SEEDED.channel}`).expect(200);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('has a valid example for every body and query it mutates', () => {
    for (const route of API_ROUTES) {
      const body = VALID_BODIES[routeKey(route)];
      if (route.body !== undefined && body !== undefined) {
        expect({ route: routeKey(route), invalid: body.filter((example) => bodyIsInvalid(route, example)) }).toEqual({ route: routeKey(route), invalid: [] });
      }
      const query = VALID_QUERIES[routeKey(route)];
      if (route.query !== undefined && query !== undefined) {
        expect({ route: routeKey(route), invalid: query.filter((example) => queryIsInvalid(route, buildQuery(example))) }).toEqual({ route: routeKey(route), invalid: [] });
      }
    }
  });

  it(`rejects ${MIN_REQUESTS} malformed requests with a 4xx and writes nothing`, async () => {
    const prisma = testApp.runtime.database.prisma;
    const generators = API_ROUTES.flatMap(requestGenerators);
    expect(generators.length).toBeGreaterThan(40);
    const perGenerator = Math.ceil(MIN_REQUESTS / generators.length);
    const requests = generators.flatMap((generator, index) =>
      fc.sample(generator.arbitrary.filter((request) => request.url.length <= MAX_URL_LENGTH), { seed: SEED + index, numRuns: perGenerator }),
    );
    expect(requests.length).toBeGreaterThanOrEqual(MIN_REQUESTS);

    const before = await snapshotTables(prisma);
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        outcomes.push(await send(testApp, request));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = await snapshotTables(prisma);

    const failures = outcomes.filter((outcome) => outcome.problem !== null);
    const failureCounts: Record<string, number> = {};
    for (const failure of failures) {
      const key = `${failure.request.label} -> ${failure.problem!.slice(0, 40)}`;
      failureCounts[key] = (failureCounts[key] ?? 0) + 1;
    }
    const report = Object.entries(failureCounts).map(([key, count]) => `${count} x ${key}`);
    report.push(...failures.slice(0, 10).map((failure) => `${failure.request.label}: ${failure.problem}\n    ${describeRequest(failure.request)}`));
    expect({ seed: SEED, failures: failures.length, first: report }).toEqual({ seed: SEED, failures: 0, first: [] });
    expect(after).toEqual(before);
  }, 240_000);
});
