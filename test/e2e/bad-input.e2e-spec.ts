import { createTestApp, type TestApp } from '../support/test-app.ts';

/** Bad requests to the decision, outcome and report endpoints: 400 naming the field, nothing written. */
describe('bad input on decisions, outcomes and reports', () => {
  let testApp: TestApp;
  let decisionId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: 'http://127.0.0.1:9/email' }).expect(201);
    await api.post('/v1/admin/offers').send({ name: 'welcome', channel: 'email', content: { subject: 'Hello' } }).expect(201);
    // Everyone is in control, so no message is scheduled and no worker is needed.
    await api.post('/v1/admin/campaigns').send({ key: 'welcome', name: 'Welcome', offers: ['welcome'], holdoutShare: 1 }).expect(201);
    await api
      .post('/v1/events')
      .send({ customerId: 'c-1', type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: '2026-12-01T09:00:00Z' })
      .expect(202);
    await api
      .post('/v1/events')
      .send({ customerId: 'c-undecided', type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: '2026-12-01T09:00:00Z' })
      .expect(202);
    const decision = await api.get('/v1/customers/c-1/next-best-offer?channel=email').expect(200);
    decisionId = decision.body.decisionId;
  });

  afterAll(async () => {
    await testApp.close();
  });

  const problemPaths = (body: { problems?: Array<{ path: string }> }) => (body.problems ?? []).map((problem) => problem.path);

  it.each([
    ['no channel', '/v1/customers/c-1/next-best-offer', 'query.channel'],
    ['an unknown channel', '/v1/customers/c-1/next-best-offer?channel=fax', 'query.channel'],
    ['an invalid channel name', '/v1/customers/c-1/next-best-offer?channel=E%20Mail', 'query.channel'],
    ['an unknown query parameter', '/v1/customers/c-1/next-best-offer?channel=email&debug=1', 'query'],
    ['no campaign', '/v1/reports/uplift?metric=visit', 'query.campaign'],
    ['an unknown campaign', '/v1/reports/uplift?campaign=nope&metric=visit', 'query.campaign'],
    ['an unknown metric', '/v1/reports/uplift?campaign=welcome&metric=clicks', 'query.metric'],
  ])('GET with %s is a 400 naming the parameter', async (_case, url, path) => {
    const decisionsBefore = await testApp.stores.database.prisma.decision.count();

    const response = await testApp.api().get(url);

    expect(response.status).toBe(400);
    expect(problemPaths(response.body)).toContain(path);
    expect(await testApp.stores.database.prisma.decision.count()).toBe(decisionsBefore);
  });

  it('answers the next best offer of an unknown customer with 404', async () => {
    const response = await testApp.api().get('/v1/customers/nobody/next-best-offer?channel=email');

    expect(response.status).toBe(404);
  });

  it.each([
    ['neither decision nor customer', { type: 'visit' }, 'body.decisionId'],
    ['a decision and a customer', () => ({ decisionId, customerId: 'c-1', campaign: 'welcome', type: 'visit' }), 'body.decisionId'],
    ['an unknown decision', { decisionId: '00000000-0000-4000-8000-000000000000', type: 'visit' }, 'body.decisionId'],
    ['a decision id that is not a UUID', { decisionId: 'abc', type: 'visit' }, 'body.decisionId'],
    ['an unknown type', () => ({ decisionId, type: 'purchase' }), 'body.type'],
    ['a value on a visit', () => ({ decisionId, type: 'visit', value: 3 }), 'body.value'],
    ['a negative value', () => ({ decisionId, type: 'conversion', value: -3 }), 'body.value'],
    ['a campaign without customer', { campaign: 'welcome', type: 'visit' }, 'body.customerId'],
    ['an unknown campaign', { customerId: 'c-1', campaign: 'nope', type: 'visit' }, 'body.campaign'],
    ['a customer without a decision', { customerId: 'c-undecided', campaign: 'welcome', type: 'visit' }, 'body.customerId'],
    ['an occurredAt before the decision', () => ({ decisionId, type: 'visit', occurredAt: '2000-01-01T00:00:00Z' }), 'body.occurredAt'],
  ])('POST /v1/outcomes with %s is a 400 naming the field', async (_case, body, path) => {
    const outcomesBefore = await testApp.stores.database.prisma.outcome.count();

    const response = await testApp.api()
      .post('/v1/outcomes')
      .send(typeof body === 'function' ? body() : body);

    expect(response.status).toBe(400);
    expect(problemPaths(response.body)).toContain(path);
    expect(await testApp.stores.database.prisma.outcome.count()).toBe(outcomesBefore);
  });

  it('stores an outcome with a repeated idempotency key once', async () => {
    const body = { customerId: 'c-1', campaign: 'welcome', type: 'conversion', value: 12.5, idempotencyKey: 'order-77' };

    const first = await testApp.api().post('/v1/outcomes').send(body);
    const second = await testApp.api().post('/v1/outcomes').send(body);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ decisionId, arm: 'control', duplicate: false });
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
    expect(await testApp.stores.database.prisma.outcome.count({ where: { idempotencyKey: 'order-77' } })).toBe(1);
  });
});
