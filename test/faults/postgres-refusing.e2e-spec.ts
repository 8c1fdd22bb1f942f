import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess } from '../support/app-process.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { createTestDatabaseConfig } from '../support/test-stores.ts';
import { waitFor } from '../support/test-app.ts';
import { callApi, countStoredEvents, eventBatch, newAdminKey, readScoringFacts, type ApiResponse } from './fault-fixtures.ts';

// The API and the worker run as processes of their own, which reach PostgreSQL through a
// proxy that the test cuts. Set DATABASE_URL and REDIS_URL to run this test.
const runs = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeOnServers = runs ? describe : describe.skip;
if (!runs) {
  process.stderr.write('postgres-refusing.e2e-spec.ts is skipped: it cuts the connection to a real PostgreSQL, so set DATABASE_URL and REDIS_URL to run it\n');
}

describeOnServers('PostgreSQL refusing connections under a running API and worker', () => {
  let proxy: FaultProxy;
  let api: AppProcess | undefined;
  let worker: AppProcess | undefined;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void> = async () => {};
  const adminKey = newAdminKey();
  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => callApi(api!.url!, adminKey, method, path, body);

  beforeAll(async () => {
    const { database, drop } = await createTestDatabaseConfig();
    dropDatabase = drop;
    databaseUrl = database.kind === 'postgres' ? database.url : '';
    proxy = await FaultProxy.forUrl(databaseUrl, 5432);
    const env = {
      DATABASE_URL: proxy.rewrite(databaseUrl),
      REDIS_URL: process.env.REDIS_URL,
      WAYLINE_ADMIN_KEY: adminKey,
      WAYLINE_SCORING_INTERVAL_MS: '200',
      // A request waits this long for a connection before its 503, so the outage shows quickly.
      WAYLINE_DATABASE_POOL_WAIT_MS: '2000',
    };
    api = await AppProcess.start('api', env);
    worker = await AppProcess.start('worker', env);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await proxy?.close();
    await dropDatabase();
  }, 60_000);

  it('answers 503 while refused and recovers without a restart', async () => {
    const acceptedIds: string[] = [];
    const ingest = async (customerId: string, count: number): Promise<ApiResponse> => {
      const response = await call('POST', '/v1/events', eventBatch(customerId, count));
      if (response.status === 202) {
        acceptedIds.push(...response.body.events.map((event: { id: string }) => event.id));
      }
      return response;
    };

    expect((await ingest('pg-before', 5)).status).toBe(202);
    await waitFor(async () => ((await call('GET', '/v1/scoring/status')).body.unscoredEvents === 0 ? true : undefined), 20_000, 'the first events scored');
    // A decision before the cut loads the channels into memory, so the one during the cut
    // reaches the plain SQL pool of the decision path.
    expect((await call('POST', '/v1/admin/channels', { name: 'email', webhookUrl: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    expect((await call('GET', '/v1/customers/pg-before/next-best-offer?channel=email')).status).toBe(200);

    // Open connections break and new ones are refused, as while PostgreSQL restarts. The
    // cut comes while a batch of 1,000 events is being stored, so that batch is either
    // committed (202) or not stored at all (503), never in part.
    const inFlight = ingest('pg-inflight', 1_000);
    await sleep(30);
    await proxy.reject();
    const inFlightResponse = await inFlight;
    expect([202, 503]).toContain(inFlightResponse.status);
    const inFlightAccepted = inFlightResponse.status === 202 ? 1_000 : 0;

    for (const request of [
      () => ingest('pg-during', 5),
      () => call('GET', '/v1/scoring/status'),
      () => call('GET', '/v1/customers/pg-before/journey'),
      () => call('GET', '/v1/customers/pg-before/next-best-offer?channel=email'),
    ]) {
      const response = await request();
      expect({ status: response.status, error: response.body.error }).toEqual({ status: 503, error: 'database_unavailable' });
      expect(response.retryAfter).not.toBeNull();
    }

    // Long enough for the worker's scoring passes to fail a few times.
    await sleep(1_500);
    await proxy.accept();

    // The pools open new connections by themselves; the client retries its refused batch.
    const retried = await waitFor(async () => {
      const response = await ingest('pg-during', 5);
      return response.status === 202 ? response : undefined;
    }, 15_000, 'the refused batch to be accepted after PostgreSQL came back');
    expect(retried.body.accepted).toBe(5);
    expect((await ingest('pg-after', 5)).status).toBe(202);

    // The worker's scoring job resumes and scores what arrived since.
    await waitFor(async () => ((await call('GET', '/v1/scoring/status')).body.unscoredEvents === 0 ? true : undefined), 20_000, 'scoring to catch up');

    const accepted = 15 + inFlightAccepted;
    expect(acceptedIds).toHaveLength(accepted);
    expect(await countStoredEvents(databaseUrl, acceptedIds)).toBe(accepted);
    const facts = await readScoringFacts(databaseUrl);
    expect(facts.events).toBe(accepted);
    expect(facts.unscored).toBe(0);
    expect(facts.mismatches).toEqual([]);
    expect(facts.countedEvents).toBe(accepted);
    expect(api!.alive).toBe(true);
    expect(worker!.alive).toBe(true);
    expect(api!.logs.filter((line) => line.msg === 'Request failed with an unexpected error')).toEqual([]);
  }, 90_000);
});
