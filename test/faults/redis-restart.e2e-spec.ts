import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess } from '../support/app-process.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { createTestDatabaseConfig } from '../support/test-stores.ts';
import { waitFor } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { callApi, eventBatch, newAdminKey, readFeedMessage, readScoringFacts, type ApiResponse } from './fault-fixtures.ts';

const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };

// The API and the worker run as processes of their own, which reach Redis through a
// proxy that the test cuts. Set DATABASE_URL and REDIS_URL to run this test.
const runs = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeOnServers = runs ? describe : describe.skip;
if (!runs) {
  process.stderr.write('redis-restart.e2e-spec.ts is skipped: it cuts the connection to a real Redis, so set DATABASE_URL and REDIS_URL to run it\n');
}

describeOnServers('Redis restarting under a running API and worker', () => {
  let proxy: FaultProxy;
  let receiver: WebhookReceiver;
  let api: AppProcess | undefined;
  /** A second API replica that opens no feed stream before the outage. */
  let secondApi: AppProcess | undefined;
  let worker: AppProcess | undefined;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void> = async () => {};
  const adminKey = newAdminKey();
  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => callApi(api!.url!, adminKey, method, path, body);

  beforeAll(async () => {
    const { database, drop } = await createTestDatabaseConfig();
    dropDatabase = drop;
    databaseUrl = database.kind === 'postgres' ? database.url : '';
    proxy = await FaultProxy.forUrl(process.env.REDIS_URL!, 6379);
    receiver = await new WebhookReceiver().start();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: proxy.rewrite(process.env.REDIS_URL!),
      WAYLINE_ADMIN_KEY: adminKey,
      WAYLINE_SCORING_INTERVAL_MS: '200',
      WAYLINE_DELIVERY_INTERVAL_MS: '200',
    };
    api = await AppProcess.start('api', env);
    secondApi = await AppProcess.start('api', env);
    worker = await AppProcess.start('worker', env);

    expect((await call('POST', '/v1/admin/channels', { name: 'email', webhookUrl: receiver.url('/email') })).status).toBe(201);
    expect((await call('POST', '/v1/admin/offers', { name: 'voucher', channel: 'email', content: { subject: 'hello' }, value: 10 })).status).toBe(201);
    expect((await call('POST', '/v1/admin/campaigns', { key: 'all', name: 'All', rule: ALWAYS, offers: ['voucher'], holdoutShare: 0 })).status).toBe(201);
    // A daily cap makes every decision reserve a counter in Redis.
    expect((await call('PUT', '/v1/admin/contact-policy', { maxPerDay: 100 })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), secondApi?.stop(), worker?.stop()]);
    await proxy?.close();
    await receiver?.stop();
    await dropDatabase();
  }, 60_000);

  async function waitForBacklog(): Promise<void> {
    await waitFor(async () => ((await call('GET', '/v1/scoring/status')).body.unscoredEvents === 0 ? true : undefined), 20_000, 'an empty scoring backlog');
  }

  it('fails cleanly while Redis is down and recovers without a restart', async () => {
    // The first feed request subscribes the API to the feed channel, before the outage.
    const firstFeedLine = await readFeedMessage(api!.url!, adminKey, 'redis-before', async () => {
      expect((await call('POST', '/v1/events', eventBatch('redis-before', 5))).status).toBe(202);
    });
    expect(firstFeedLine).toContain('redis-before');
    expect((await call('GET', '/v1/customers/redis-before/next-best-offer?channel=email')).status).toBe(200);

    await proxy.reject();

    // Events need only PostgreSQL: they are stored, and the worker finds them by polling
    // because the wake-up on Redis is lost.
    const during = await call('POST', '/v1/events', eventBatch('redis-during', 5));
    expect(during.status).toBe(202);
    expect(during.body.accepted).toBe(5);
    await waitForBacklog();
    expect((await call('GET', '/v1/customers/redis-during/journey')).status).toBe(200);

    // A decision reserves its cap in Redis, so it fails, fast and with a 503 to retry.
    const started = Date.now();
    const decision = await call('GET', '/v1/customers/redis-during/next-best-offer?channel=email');
    expect(decision.status).toBe(503);
    expect(decision.body.error).toBe('live_store_unavailable');
    expect(decision.retryAfter).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);

    // A replica's first feed stream has to subscribe on Redis, so it cannot open either.
    const feed = await callApi(secondApi!.url!, adminKey, 'GET', '/v1/feed');
    expect(feed.status).toBe(503);
    expect(feed.body.error).toBe('live_store_unavailable');

    // Outage long enough for several reconnection attempts.
    await sleep(1_500);
    await proxy.accept();

    const recovered = await waitFor(async () => {
      const response = await call('GET', '/v1/customers/redis-during/next-best-offer?channel=email');
      return response.status === 200 ? response : undefined;
    }, 15_000, 'a decision after Redis came back');
    expect(recovered.body.decisionId).toEqual(expect.any(String));
    await api!.waitForLog((line) => line.msg === 'Reconnected to Redis');

    // The API subscribed to the feed channel again, and the worker publishes on it again.
    const feedLine = await readFeedMessage(api!.url!, adminKey, 'redis-after', async () => {
      expect((await call('POST', '/v1/events', eventBatch('redis-after', 3))).status).toBe(202);
    });
    expect(feedLine).toContain('redis-after');
    await waitForBacklog();

    const facts = await readScoringFacts(databaseUrl);
    expect(facts.events).toBe(13);
    expect(facts.mismatches).toEqual([]);
    expect(facts.countedEvents).toBe(13);
    expect(api!.alive).toBe(true);
    expect(secondApi!.alive).toBe(true);
    expect(worker!.alive).toBe(true);
    expect(api!.logs.filter((line) => line.msg === 'Request failed with an unexpected error')).toEqual([]);
  }, 90_000);
});
