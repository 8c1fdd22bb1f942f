import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createCampaign, createChannel, createOffer, expectProblem, nextBestOffer, seedCustomers } from './decisioning-fixtures.ts';

/** Absent from the database, so a read of it must end in 404. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('GET /v1/decisions/{decisionId}', () => {
  let testApp: TestApp;
  let marketerKey: string;
  let analystKey: string;
  let platformKey: string;

  async function createKey(role: string): Promise<string> {
    const created = await testApp.api().post('/v1/admin/api-keys').send({ name: `decision-read-${role}`, role }).expect(201);
    return created.body.key as string;
  }

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    marketerKey = await createKey('marketer');
    analystKey = await createKey('analyst');
    platformKey = await createKey('platform');

    await createChannel(testApp);
    await createOffer(testApp, 'treated-offer', 20);
    await createOffer(testApp, 'held-offer', 10);
    // Each customer's `group` attribute picks one campaign, so the arm of every decision is known.
    await createCampaign(testApp, { key: 'read-treatment', name: 'Read treatment', rule: { '==': [{ var: 'customer.attributes.group' }, 'treat'] }, offers: ['treated-offer'] });
    await createCampaign(testApp, {
      key: 'read-control', name: 'Read control', rule: { '==': [{ var: 'customer.attributes.group' }, 'hold'] }, offers: ['held-offer'], holdoutShare: 1,
    });
    await seedCustomers(testApp.stores.database.prisma, [
      { id: 'reader-treated', attributes: { group: 'treat', email: 'treated@example.org' } },
      { id: 'reader-held', attributes: { group: 'hold' } },
      { id: 'reader-erased', attributes: { group: 'treat', email: 'erased@example.org' } },
    ]);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('returns treatment decision as decided', async () => {
    const decided = (await nextBestOffer(testApp, 'reader-treated')).body;
    expect(decided.arm).toBe('treatment');

    const response = await testApp.as(marketerKey).get(`/v1/decisions/${decided.decisionId}`).expect(200);

    const { expectedValue: _expectedValue, ...recordedScore } = decided.score;
    expect(response.body).toEqual({
      id: decided.decisionId,
      customerId: 'reader-treated',
      createdAt: expect.any(String),
      source: 'live',
      campaign: { key: 'read-treatment', name: 'Read treatment' },
      holdoutGroup: 'read-treatment',
      arm: 'treatment',
      offer: { name: 'treated-offer' },
      channel: 'email',
      score: recordedScore,
      features: expect.objectContaining({ attributes: { group: 'treat', email: 'treated@example.org' } }),
      reasons: decided.reasons,
      message: {
        id: decided.message.id,
        status: 'pending',
        statusReason: null,
        sendAt: decided.message.sendAt,
        sentAt: null,
        attempts: 0,
        lastError: null,
        sendTimeReason: decided.message.sendTimeReason,
      },
    });
    // The score fields come from the ranking step, so none of them may be lost on the way to the table.
    expect(recordedScore.probability).toEqual(expect.any(Number));
    expect(recordedScore.source).toEqual(expect.any(String));
  });

  it('returns control decision without message', async () => {
    const decided = (await nextBestOffer(testApp, 'reader-held')).body;
    expect(decided.arm).toBe('control');

    const response = await testApp.as(analystKey).get(`/v1/decisions/${decided.decisionId}`).expect(200);

    expect(response.body).toMatchObject({
      id: decided.decisionId,
      customerId: 'reader-held',
      campaign: { key: 'read-control', name: 'Read control' },
      arm: 'control',
      offer: { name: 'held-offer' },
      message: null,
    });
    expect(response.body.reasons).toEqual(decided.reasons);
  });

  it('returns imported decision with nulls', async () => {
    const id = randomUUID();
    await testApp.stores.database.prisma.decision.create({
      data: { id, customerId: 'reader-held', holdoutGroup: 'legacy', arm: 'control', source: 'import', reasons: [{ step: 'imported' }] },
    });

    const response = await testApp.as(analystKey).get(`/v1/decisions/${id}`).expect(200);

    expect(response.body).toMatchObject({
      id,
      source: 'import',
      campaign: null,
      offer: null,
      channel: null,
      score: { probability: null, uplift: null, source: null, modelVersion: null, upliftModelVersion: null, explorationProbability: null },
      features: {},
      reasons: [{ step: 'imported' }],
      message: null,
    });
  });

  it('returns erased customer decision under pseudonym', async () => {
    const decided = (await nextBestOffer(testApp, 'reader-erased')).body;
    await testApp.api().delete('/v1/admin/customers/reader-erased').expect(200);

    const response = await testApp.as(marketerKey).get(`/v1/decisions/${decided.decisionId}`).expect(200);

    expect(response.body.customerId).toMatch(/^erased-[0-9a-f-]{36}$/);
    expect(response.body.features.attributes).toEqual({});
    expect(response.body.reasons).toEqual(decided.reasons);
    expect(response.body.message).toMatchObject({ id: decided.message.id, status: 'cancelled', statusReason: 'customer erased' });
    expect(JSON.stringify(response.body)).not.toContain('erased@example.org');
  });

  it('rejects unknown id with 404', async () => {
    const response = await testApp.as(marketerKey).get(`/v1/decisions/${UNKNOWN_ID}`).expect(404);

    expect(response.body).toEqual({ error: 'not_found', message: `Decision '${UNKNOWN_ID}' was not found` });
  });

  it.each(['not-a-uuid', '12345', `${UNKNOWN_ID}0`, 'zzzzzzzz-0000-4000-8000-000000000000'])('rejects malformed id %s with 400', async (id) => {
    const response = await testApp.as(marketerKey).get(`/v1/decisions/${id}`);

    expectProblem(response, 'path.decisionId', /UUID/);
  });

  it('rejects missing key and platform key', async () => {
    const decided = (await nextBestOffer(testApp, 'reader-treated')).body;

    await testApp.as(undefined).get(`/v1/decisions/${decided.decisionId}`).expect(401);
    const forbidden = await testApp.as(platformKey).get(`/v1/decisions/${decided.decisionId}`).expect(403);
    expect(forbidden.body.error).toBe('forbidden');
  });
});
