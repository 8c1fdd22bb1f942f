import { JourneyScoringService } from '#wayline/journeys';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { usesServers } from '../support/test-stores.ts';

const event = (customerId: string, minute: number, extra: Record<string, unknown> = {}) => ({
  customerId,
  type: 'web_visit',
  touchpoint: 'web_visit',
  channel: 'web',
  occurredAt: new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString(),
  ...extra,
});

async function scoringStatus(app: TestApp) {
  const response = await app.api().get('/v1/scoring/status').expect(200);
  return response.body as { unscoredEvents: number; oldestUnscoredReceivedAt: string | null; lagSeconds: number | null };
}

describe('scoring passes', () => {
  // No worker: the tests run the passes themselves, to control when and how many.
  let testApp: TestApp;
  let scoring: JourneyScoringService;

  beforeAll(async () => {
    // Small passes, so the racing replicas below take many turns each.
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_SCORING_CUSTOMERS_PER_PASS: '10' } });
    scoring = testApp.app.get(JourneyScoringService);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('reports the backlog, then scores the customers with the oldest pending events first', async () => {
    await testApp.api().post('/v1/events').send({ events: [event('first-a', 1), event('first-a', 2)] }).expect(202);
    await testApp.api().post('/v1/events').send({ events: [event('second-b', 1)] }).expect(202);

    const before = await scoringStatus(testApp);
    expect(before.unscoredEvents).toBe(3);
    expect(before.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(before.oldestUnscoredReceivedAt!))).toBe(false);

    expect(await scoring.scoreOnePass(1)).toEqual({ customers: 1, events: 2 });
    const first = await testApp.api().get('/v1/customers/first-a/journey').expect(200);
    expect(first.body.pendingEvents).toBe(0);
    expect((await scoringStatus(testApp)).unscoredEvents).toBe(1);

    expect(await scoring.scoreOnePass(10)).toEqual({ customers: 1, events: 1 });
    expect(await scoringStatus(testApp)).toEqual({ unscoredEvents: 0, oldestUnscoredReceivedAt: null, lagSeconds: null });
    expect(await scoring.scoreOnePass(10)).toEqual({ customers: 0, events: 0 });
  });

  it('rejects parameters on the status endpoint with 400', async () => {
    const response = await testApp.api().get('/v1/scoring/status?verbose=1');

    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe('query');
  });

  it('starts no new transaction once it is told to stop', async () => {
    const customers = Array.from({ length: 25 }, (_, index) => event(`stop-${index}`, 1));
    await testApp.api().post('/v1/events').send({ events: customers }).expect(202);

    // Passes of 10 customers, one at a time; the stop signal turns true after the first.
    let transactions = 0;
    const result = await scoring.scorePending(10_000, 1, () => transactions++ >= 1);

    expect(result).toMatchObject({ customers: 10, events: 10, passes: 1 });
    expect((await scoringStatus(testApp)).unscoredEvents).toBe(15);
    expect(await scoring.scorePending(10_000, 1)).toMatchObject({ customers: 15, events: 15 });
  });

  it('scores each event exactly once when several replicas race', async () => {
    const customers = Array.from({ length: 120 }, (_, index) => `race-${index}`);
    for (let round = 0; round < 3; round += 1) {
      await testApp.api()
        .post('/v1/events')
        .send({ events: customers.map((customerId) => event(customerId, 10 + round, round === 1 ? { text: 'Great help, thanks!' } : {})) })
        .expect(202);
    }
    // On PostgreSQL, three more replicas on the same stores, each with its own connections, race in small
    // passes. PGlite serves one process, so there the concurrent passes of one replica race instead.
    const replicas = usesServers()
      ? await Promise.all([0, 1, 2].map(() => createTestApp({ withWorker: false, shareStoresOf: testApp })))
      : [];
    try {
      const results = await Promise.all(
        [scoring, ...replicas.map((replica) => replica.app.get(JourneyScoringService))].map((replicaScoring) =>
          replicaScoring.scorePending(10_000, 4),
        ),
      );

      expect(results.reduce((sum, result) => sum + result.events, 0)).toBe(customers.length * 3);
      expect(results.reduce((sum, result) => sum + result.customers, 0)).toBeGreaterThanOrEqual(customers.length);
      expect((await scoringStatus(testApp)).unscoredEvents).toBe(0);
      // A customer scored twice for one event would count it twice.
      const counts = await testApp.stores.database.prisma.customer.findMany({
        where: { id: { startsWith: 'race-' } },
        select: { eventCount: true },
      });
      expect(counts).toHaveLength(customers.length);
      expect(counts.every((customer) => customer.eventCount === 3)).toBe(true);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });
});
