import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { usesServers } from '../support/test-stores.ts';

// An hour-long window, so that no test run crosses a window boundary, which would reset the count.
const RATE_LIMIT_ENV = {
  WAYLINE_RATE_LIMIT_WINDOW_SECONDS: '3600',
  WAYLINE_RATE_LIMIT_ADMIN: '0',
  WAYLINE_RATE_LIMIT_MARKETER: '5',
  WAYLINE_RATE_LIMIT_ANALYST: '5',
  WAYLINE_RATE_LIMIT_PUBLIC: '3',
};

// A second replica shares the first one's stores only on servers: on PGlite it would open
// its own empty in-memory database.
const describeOnServers = usesServers() && process.env.REDIS_URL ? describe : describe.skip;

describe('rate limits', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false, env: RATE_LIMIT_ENV });
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function createKey(name: string, role: 'marketer' | 'analyst'): Promise<string> {
    const response = await testApp.api().post('/v1/admin/api-keys').send({ name, role });
    expect(response.status).toBe(201);
    return response.body.key as string;
  }

  /** Sends `count` requests one after another and returns the responses in order. */
  async function send(count: number, request: () => Promise<Response>): Promise<Response[]> {
    const responses: Response[] = [];
    for (let index = 0; index < count; index += 1) {
      responses.push(await request());
    }
    return responses;
  }

  it('rejects the request after the limit with 429', async () => {
    const key = await createKey('limited-analyst', 'analyst');

    const responses = await send(6, () => testApp.as(key).get('/v1/admin/channels'));

    expect(responses.slice(0, 5).map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[5]!.status).toBe(429);
  });

  it('counts down RateLimit-Remaining', async () => {
    const key = await createKey('counted-analyst', 'analyst');

    const responses = await send(5, () => testApp.as(key).get('/v1/admin/channels'));

    expect(responses.map((response) => response.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expect(responses[0]!.headers['ratelimit-limit']).toBe('5');
    expect(responses[0]!.headers['ratelimit-policy']).toBe('5;w=3600');
    const reset = Number(responses[0]!.headers['ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(3600);
  });

  it('answers 429 with Retry-After and a message', async () => {
    const key = await createKey('rejected-marketer', 'marketer');
    await send(5, () => testApp.as(key).get('/v1/admin/offers'));

    const response = await testApp.as(key).get('/v1/admin/offers');

    expect(response.status).toBe(429);
    expect(response.body.error).toBe('rate_limited');
    expect(response.body.message).toMatch(/^Rate limit of 5 requests per 3600 s exceeded for this API key; retry after \d+ s$/);
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(response.headers['ratelimit-remaining']).toBe('0');
  });

  it('counts each key on its own', async () => {
    const exhausted = await createKey('exhausted-marketer', 'marketer');
    const fresh = await createKey('fresh-marketer', 'marketer');
    await send(6, () => testApp.as(exhausted).get('/v1/admin/offers'));

    const response = await testApp.as(fresh).get('/v1/admin/offers');

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-remaining']).toBe('4');
  });

  it('leaves a role with limit 0 unlimited', async () => {
    const responses = await send(8, () => testApp.api().get('/v1/admin/channels'));

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses[7]!.headers['ratelimit-limit']).toBeUndefined();
  });

  it('never limits the health probes', async () => {
    const responses = await send(5, () => testApp.as(undefined).get('/health/live'));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[4]!.headers['ratelimit-limit']).toBeUndefined();
  });

  it('limits public routes per client address', async () => {
    const responses = await send(4, () => testApp.as(undefined).get('/openapi.json'));

    expect(responses.slice(0, 3).map((response) => response.status)).toEqual([200, 200, 200]);
    expect(responses[3]!.status).toBe(429);
    expect(responses[3]!.body.message).toMatch(/exceeded for this client address/);
  });

  it('lets a keyless request to a key-only route reach authentication', async () => {
    // The test above used up the public limit of 3 per window. A request without a key to
    // an admin route still gets the authentication guard's 401, not a 429.
    const response = await testApp.as(undefined).get('/v1/admin/channels');

    expect(response.status).toBe(401);
  });

  describeOnServers('with two replicas', () => {
    let replica: TestApp;

    beforeAll(async () => {
      replica = await createTestApp({ withWorker: false, shareStoresOf: testApp });
    });

    afterAll(async () => {
      await replica.close();
    });

    it('shares the count through Redis', async () => {
      const key = await createKey('replicated-analyst', 'analyst');
      const replicas = [testApp, replica];

      // Alternating, so each replica serves four of the eight requests.
      let next = 0;
      const responses = await send(8, () => replicas[next++ % 2]!.as(key).get('/v1/admin/channels'));

      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    });
  });
});
