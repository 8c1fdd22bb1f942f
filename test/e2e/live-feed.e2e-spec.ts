import { usesServers } from '../support/test-stores.ts';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { SseClient } from '../support/sse-client.ts';

const event = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customerId,
  type: 'call',
  touchpoint: 'call',
  channel: 'phone',
  occurredAt: '2026-12-01T10:00:00Z',
  text: 'This is the worst service I have ever had. Furious.',
  ...overrides,
});

describe('GET /v1/feed', () => {
  let testApp: TestApp;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await testApp.close();
  });

  async function openFeed(app: TestApp, query: string): Promise<SseClient> {
    const { client, status } = await SseClient.open(`${app.url}/v1/feed${query}`, app.adminKey);
    expect(status).toBe(200);
    clients.push(client);
    return client;
  }

  it('streams scored events and state changes for one customer', async () => {
    const feed = await openFeed(testApp, '?customer=feed-1');

    await testApp.api().post('/v1/events').send(event('feed-1')).expect(202);
    await testApp.api().post('/v1/events').send(event('someone-else')).expect(202);

    const scored = await waitFor(async () => feed.events.find((received) => received.type === 'event.scored'), 10_000, 'a scored event');
    expect(scored.data).toMatchObject({ kind: 'event.scored', customerId: 'feed-1', touchpoint: 'call', stage: 'support' });
    expect((scored.data as { emotion: { valence: number } }).emotion.valence).toBeLessThan(0);
    expect(scored.data).not.toHaveProperty('text');
    const changed = await waitFor(async () => feed.events.find((received) => received.type === 'customer.changed'), 10_000, 'a state change');
    expect(changed.data).toMatchObject({ customerId: 'feed-1', stage: { from: null, to: 'support' } });
    expect(feed.events.every((received) => (received.data as { customerId: string }).customerId === 'feed-1')).toBe(true);
  });

  it('filters by emotion label', async () => {
    const feed = await openFeed(testApp, '?emotion=delighted');

    await testApp.api()
      .post('/v1/events')
      .send({ events: [event('feed-2'), event('feed-3', { text: 'Absolutely wonderful, thank you so much! Best support ever!', rating: 5 })] })
      .expect(202);

    const delighted = await waitFor(
      async () => feed.events.find((received) => (received.data as { customerId: string }).customerId === 'feed-3'),
      10_000,
      'the delighted customer',
    );
    expect(delighted).toBeDefined();
    expect(feed.events.some((received) => (received.data as { customerId: string }).customerId === 'feed-2')).toBe(false);
  });

  it('rejects an unknown emotion filter with 400', async () => {
    const { status, body } = await SseClient.open(`${testApp.url}/v1/feed?emotion=grumpy`, testApp.adminKey);

    expect(status).toBe(400);
    expect((body as { problems: Array<{ path: string }> }).problems[0]!.path).toBe('query.emotion');
  });

  it('rejects a request without a key with 401', async () => {
    const { status, body } = await SseClient.open(`${testApp.url}/v1/feed`, undefined);

    expect(status).toBe(401);
    expect((body as { error: string }).error).toBe('unauthorized');
  });

  it('fans out across replicas through Redis', async () => {
    if (!usesServers()) {
      // The in-process live store connects nothing across processes; Redis is needed.
      return;
    }
    const apiOnly = await createTestApp({ withWorker: false, shareStoresOf: testApp });
    try {
      const feed = await openFeed(apiOnly, '?customer=feed-replica');

      // The event goes in through the API-only replica; the first app's worker scores it.
      await apiOnly.api().post('/v1/events').send(event('feed-replica')).expect(202);

      const scored = await waitFor(async () => feed.events.find((received) => received.type === 'event.scored'), 10_000, 'a scored event from the other replica');
      expect(scored.data).toMatchObject({ customerId: 'feed-replica' });
    } finally {
      await apiOnly.close();
    }
  });
});
