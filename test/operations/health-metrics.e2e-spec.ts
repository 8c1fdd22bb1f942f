import { ShutdownState } from '#wayline/observability';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { usesServers } from '../support/test-stores.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/** Value of the first sample of `name` whose labels contain every `labels` pair, or undefined. */
function sampleValue(metricsText: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
      continue;
    }
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('health and readiness probes', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('serves liveness without a key', async () => {
    const response = await testApp.as(undefined).get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('keeps GET /health with the store kinds', async () => {
    const response = await testApp.as(undefined).get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.database).toBe(usesServers() ? 'postgres' : 'pglite');
    expect(response.body.liveStore).toBe(process.env.REDIS_URL ? 'redis' : 'memory');
  });

  it('reports ready with each check and its latency', async () => {
    const response = await testApp.as(undefined).get('/health/ready').expect(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.shuttingDown).toBe(false);
    expect(response.body.checks.database.status).toBe('up');
    expect(response.body.checks.database.kind).toBe(usesServers() ? 'postgres' : 'pglite');
    expect(response.body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.body.checks.liveStore.status).toBe('up');
    expect(response.body.checks.liveStore.latencyMs).toBeGreaterThanOrEqual(0);
  });

  // Last in this block, because the app stays in the shutting-down state.
  it('reports not ready once shutdown begins', async () => {
    testApp.app.get(ShutdownState).begin();
    const response = await testApp.as(undefined).get('/health/ready').expect(503);
    expect(response.body).toEqual({ status: 'not-ready', shuttingDown: true, checks: {} });
    await testApp.as(undefined).get('/health/live').expect(200);
  });
});

describe('readiness with an unusable embedded database', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    // The teardown closes the database a second time: PostgreSQL allows it, PGlite raises
    // "PGlite is closed", and its in-memory data needs no cleanup.
    await testApp.close().catch((error: unknown) => {
      if (!(error instanceof Error && error.message === 'PGlite is closed')) {
        throw error;
      }
    });
  });

  it('503 with the database closed', async () => {
    if (usesServers()) {
      // Prisma reopens a closed PostgreSQL pool; the proxy tests below cover PostgreSQL.
      return;
    }
    await testApp.runtime.database.close();
    const response = await testApp.as(undefined).get('/health/ready').expect(503);
    expect(response.body.status).toBe('not-ready');
    expect(response.body.checks.database.status).toBe('down');
    expect(response.body.checks.database.error).toBe('query failed');
    expect(response.body.checks.liveStore.status).toBe('up');
    // Liveness does no I/O, so a store outage does not get the process restarted.
    await testApp.as(undefined).get('/health/live').expect(200);
  });
});

// A second replica reaches PostgreSQL and Redis through proxies that the tests stop.
const describeOnServers = usesServers() && process.env.REDIS_URL ? describe : describe.skip;

describeOnServers('readiness behind a stopped proxy', () => {
  let healthy: TestApp;
  let broken: TestApp;
  let databaseProxy: FaultProxy;
  let redisProxy: FaultProxy;

  beforeAll(async () => {
    healthy = await createTestApp({ withWorker: false });
    const config = healthy.stores.config;
    if (config.database.kind !== 'postgres' || config.liveStore.kind !== 'redis') {
      throw new Error('This block needs DATABASE_URL and REDIS_URL');
    }
    databaseProxy = await FaultProxy.forUrl(config.database.url, 5432);
    redisProxy = await FaultProxy.forUrl(config.liveStore.url, 6379);
    const proxiedConfig = {
      ...config,
      database: { ...config.database, url: databaseProxy.rewrite(config.database.url) },
      liveStore: { ...config.liveStore, url: redisProxy.rewrite(config.liveStore.url) },
    };
    broken = await createTestApp({ withWorker: false, shareStoresOf: { ...healthy, stores: { ...healthy.stores, config: proxiedConfig } } });
  });

  afterAll(async () => {
    await databaseProxy.accept();
    await redisProxy.accept();
    await broken.close();
    await healthy.close();
    await databaseProxy.close();
    await redisProxy.close();
  });

  const readyAgain = (app: TestApp): Promise<true> =>
    waitFor(async () => ((await app.as(undefined).get('/health/ready')).status === 200 ? true : undefined), 15_000, 'readiness to return');

  it('503 while PostgreSQL is unreachable', async () => {
    await broken.as(undefined).get('/health/ready').expect(200);
    await databaseProxy.reject();
    const response = await broken.as(undefined).get('/health/ready').expect(503);
    expect(response.body.checks.database.status).toBe('down');
    expect(response.body.checks.database.error).toMatch(/^(query failed|timed out after \d+ ms)$/);
    expect(response.body.checks.liveStore.status).toBe('up');
    await healthy.as(undefined).get('/health/ready').expect(200);

    await databaseProxy.accept();
    await readyAgain(broken);
  });

  it('503 while Redis is unreachable', async () => {
    await redisProxy.reject();
    const response = await broken.as(undefined).get('/health/ready').expect(503);
    expect(response.body.checks.liveStore.status).toBe('down');
    expect(response.body.checks.liveStore.kind).toBe('redis');
    expect(response.body.checks.database.status).toBe('up');

    await redisProxy.accept();
    await readyAgain(broken);
  });
});

describe('GET /metrics', () => {
  let testApp: TestApp;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  it('rejects a request without a key', async () => {
    await testApp.as(undefined).get('/metrics').expect(401);
  });

  it('exports every Wayline metric', async () => {
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: receiver.url('/email') }).expect(201);
    await api.post('/v1/admin/offers').send({ name: 'voucher', channel: 'email', content: { subject: 'Voucher' }, value: 10 }).expect(201);
    await api
      .post('/v1/admin/campaigns')
      .send({ key: 'spring', name: 'Spring', rule: { '>=': [{ var: 'customer.engagement' }, 0] }, offers: ['voucher'], holdoutShare: 0 })
      .expect(201);
    await api
      .post('/v1/events')
      .send({ customerId: 'metrics-customer-1', type: 'visit', touchpoint: 'web', channel: 'web', occurredAt: new Date().toISOString() })
      .expect(202);
    const decision = await api.get('/v1/customers/metrics-customer-1/next-best-offer?channel=email').expect(200);
    expect(decision.body.arm).toBe('treatment');
    await waitFor(async () => (receiver.requests.length > 0 ? true : undefined), 10_000, 'the webhook delivery');

    const response = await api.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.text;

    expect(sampleValue(text, 'wayline_http_requests_total', { method: 'GET', route: '/v1/customers/:customerId/next-best-offer', status_class: '2xx' })).toBe(1);
    expect(sampleValue(text, 'wayline_http_request_duration_seconds_count', { route: '/v1/customers/:customerId/next-best-offer' })).toBe(1);
    expect(sampleValue(text, 'wayline_decisions_total', { outcome: 'offer' })).toBe(1);
    expect(sampleValue(text, 'wayline_decision_duration_seconds_count', { outcome: 'offer' })).toBe(1);
    await waitFor(async () => {
      const again = await api.get('/metrics').expect(200);
      return sampleValue(again.text, 'wayline_deliveries_total', { channel_kind: 'webhook', result: 'sent' }) === 1 ? true : undefined;
    }, 10_000, 'the delivery counter');
    for (const gauge of [
      'wayline_scoring_backlog_events',
      'wayline_scoring_backlog_oldest_age_seconds',
      'wayline_outreach_due_messages',
      'wayline_outreach_oldest_due_age_seconds',
    ]) {
      expect(sampleValue(text, gauge, {})).toBeGreaterThanOrEqual(0);
    }
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('labels routes with templates', async () => {
    const api = testApp.api();
    await api.get('/v1/customers/metrics-secret-id-77/journey').expect(404);
    await api.get('/no/such/route/metrics-secret-id-78').expect(404);
    const response = await api.get('/metrics').expect(200);
    expect(response.text).not.toContain('metrics-secret-id');
    expect(sampleValue(response.text, 'wayline_http_requests_total', { route: '/v1/customers/:customerId/journey', status_class: '4xx' })).toBe(1);
    expect(sampleValue(response.text, 'wayline_http_requests_total', { route: 'unmatched', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
  });

  it('counts a rejected decision', async () => {
    await testApp.api().get('/v1/customers/metrics-customer-1/next-best-offer?channel=NOT%20VALID').expect(400);
    const response = await testApp.api().get('/metrics').expect(200);
    expect(sampleValue(response.text, 'wayline_decisions_total', { outcome: 'rejected' })).toBe(1);
  });
});
