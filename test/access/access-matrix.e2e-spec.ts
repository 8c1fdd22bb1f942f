import { Reflector } from '@nestjs/core';
import { accessRuleOf, ROLES, roleIsAdmitted, type Role } from '#wayline/access';
import { API_ROUTES, type RouteDoc } from '../../apps/api/src/openapi/api-routes.ts';
import { declaredHandlers } from '../support/controller-handlers.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/** Every handler of the API module's controllers, as `METHOD /path/{param}`, with its access rule. */
function declaredAccessRules(): Map<string, string> {
  const reflector = new Reflector();
  const rules = new Map<string, string>();
  for (const { route, handler, controller } of declaredHandlers()) {
    const rule = accessRuleOf(reflector, handler, controller);
    rules.set(route, rule === undefined ? 'none' : describeRoles(rule.public ? 'public' : rule.roles));
  }
  return rules;
}

function describeRoles(roles: RouteDoc['roles']): string {
  return roles === 'public' ? 'public' : [...roles].sort().join(',');
}

/** A path with every `{param}` filled; ids get a UUID so the handler reaches its not-found case. */
function concretePath(route: RouteDoc): string {
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => (name === 'id' ? '00000000-0000-4000-8000-000000000000' : 'matrix'));
}

interface Caller {
  label: string;
  authorization: string | undefined;
  /** The role of a valid key; undefined for callers that must get 401 on every keyed route. */
  role?: Role;
}

describe('access matrix', () => {
  let testApp: TestApp;
  const callers: Caller[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    callers.push({ label: 'no key', authorization: undefined });
    callers.push({ label: 'another scheme', authorization: 'Basic bWF0cml4Om1hdHJpeA==' });
    callers.push({ label: 'two values', authorization: `Bearer ${testApp.adminKey} ${testApp.adminKey}` });
    callers.push({ label: 'unknown key', authorization: 'Bearer wl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const revoked = (await testApp.api().post('/v1/admin/api-keys').send({ name: 'revoked', role: 'admin' }).expect(201)).body;
    await testApp.api().delete(`/v1/admin/api-keys/${revoked.id}`).expect(204);
    callers.push({ label: 'revoked key', authorization: `Bearer ${revoked.key}` });
    for (const role of ROLES) {
      const key = role === 'admin' ? testApp.adminKey : (await testApp.api().post('/v1/admin/api-keys').send({ name: `matrix-${role}`, role }).expect(201)).body.key;
      callers.push({ label: `${role} key`, authorization: `Bearer ${key}`, role });
    }
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('controllers and API_ROUTES declare the same roles', () => {
    const declared = declaredAccessRules();
    const documented = new Map(API_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, describeRoles(route.roles)]));

    expect([...declared.entries()].filter(([, rule]) => rule === 'none')).toEqual([]);
    expect(Object.fromEntries([...declared.entries()].sort())).toEqual(Object.fromEntries([...documented.entries()].sort()));
  });

  it('answers every route and caller as declared', async () => {
    const mismatches: string[] = [];
    for (const route of API_ROUTES) {
      for (const caller of callers) {
        const expected = expectedOutcome(route, caller);
        const status = await call(testApp.url, route, caller.authorization);
        const denied = status === 401 || status === 403;
        const matches = expected === 'admitted' ? !denied && status < 500 : status === expected;
        if (!matches) {
          mismatches.push(`${route.method.toUpperCase()} ${route.path} with ${caller.label}: expected ${expected}, got ${status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('names the admitted roles in a 403', async () => {
    const analyst = callers.find((caller) => caller.role === 'analyst')!;
    const response = await testApp.as(analyst.authorization!.slice('Bearer '.length)).post('/v1/admin/offers').send({});

    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      error: 'forbidden',
      message: "This route requires an API key with one of the roles admin, marketer; the key 'matrix-analyst' has the role analyst",
    });
  });

  it('shows the roles in the OpenAPI document', async () => {
    const { body } = await testApp.as(undefined).get('/openapi.json').expect(200);

    expect(body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.paths['/health'].get.security).toEqual([]);
    expect(body.paths['/v1/events'].post.security).toEqual([{ apiKey: [] }]);
    expect(body.paths['/v1/events'].post['x-wayline-roles']).toEqual(['admin', 'platform']);
    expect(Object.keys(body.paths['/v1/events'].post.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('sends a bearer challenge with every 401', async () => {
    const response = await testApp.as(undefined).get('/v1/reports/emotion-sources');

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="wayline"');
    expect(response.body.message).toContain('Authorization: Bearer <key>');
  });
});

function expectedOutcome(route: RouteDoc, caller: Caller): 'admitted' | 401 | 403 {
  if (route.roles === 'public') {
    return 'admitted';
  }
  if (caller.role === undefined) {
    return 401;
  }
  return roleIsAdmitted(caller.role, route.roles) ? 'admitted' : 403;
}

/**
 * Sends one request and returns its status. The body is a JSON object with no fields, so
 * admitted writes fail validation instead of changing data; streams are cut after the headers.
 */
async function call(baseUrl: string, route: RouteDoc, authorization: string | undefined): Promise<number> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) {
    headers.authorization = authorization;
  }
  const hasBody = route.method !== 'get' && route.method !== 'delete';
  if (hasBody) {
    headers['content-type'] = 'application/json';
  }
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${concretePath(route)}`, {
    method: route.method.toUpperCase(),
    headers,
    body: hasBody ? '{}' : undefined,
    signal: controller.signal,
  });
  controller.abort();
  return response.status;
}
