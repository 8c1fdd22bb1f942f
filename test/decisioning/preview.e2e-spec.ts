import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createCampaign, createChannel, createOffer, expectProblem, seedCustomers, seedEvents, type CustomerSeed } from './decisioning-fixtures.ts';

/** More customers than one preview page (1000), so counting crosses page boundaries. */
const CUSTOMERS = 2500;

function customerId(index: number): string {
  return `p-${String(index).padStart(4, '0')}`;
}

describe('campaign preview', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    api = () => testApp.api();
    await createChannel(testApp);
    await createOffer(testApp, 'apology', 5);

    // Every tenth customer is angry in support, every fifth of the others frustrated in onboarding.
    const customers: CustomerSeed[] = [];
    for (let index = 0; index < CUSTOMERS; index++) {
      if (index % 10 === 0) {
        customers.push({ id: customerId(index), valence: -0.9, stage: 'support' });
      } else if (index % 5 === 0) {
        customers.push({ id: customerId(index), valence: -0.5, stage: 'onboarding' });
      } else {
        customers.push({ id: customerId(index), valence: 0.4, stage: 'support' });
      }
    }
    await seedCustomers(testApp.stores.database.prisma, customers);
    const recently = new Date(Date.now() - 3_600_000);
    await seedEvents(
      testApp.stores.database.prisma,
      [5, 1500, 2499].map((index) => ({ customerId: customerId(index), touchpoint: 'call', type: 'complaint', occurredAt: recently })),
    );

    await createCampaign(testApp, {
      key: 'recovery',
      rule: true,
      applicabilityRule: { '==': [{ var: 'customer.stage' }, 'support'] },
      suitabilityRule: { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] },
      offers: ['apology'],
    });
    await createCampaign(testApp, {
      key: 'recent-callers',
      rule: { '>=': [{ var: 'customer.events.last7d.touchpoint.call' }, 1] },
      offers: ['apology'],
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('counts and samples matching customers across pages', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview').send({});

    expect(response.status).toBe(200);
    expect(response.body.campaign).toBe('recovery');
    expect(response.body.runsNow).toBe(true);
    expect(response.body.evaluated).toBe(CUSTOMERS);
    expect(response.body.matching).toBe(CUSTOMERS / 10);
    expect(response.body.sample).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map(customerId));
    expect(response.body.customer).toBeUndefined();
  });

  it('takes no body', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview');

    expect(response.status).toBe(200);
    expect(response.body.matching).toBe(CUSTOMERS / 10);
  });

  it('returns the sample size asked for', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview').send({ sampleSize: 3 });

    expect(response.body.sample).toEqual([customerId(0), customerId(10), customerId(20)]);
  });

  it('counts recent events on every page', async () => {
    const response = await api().post('/v1/campaigns/recent-callers/preview').send({ sampleSize: 100 });

    expect(response.body.matching).toBe(3);
    expect(response.body.sample).toEqual([customerId(5), customerId(1500), customerId(2499)]);
  });

  it('traces a customer who fails', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview').send({ customerId: customerId(5) });
    const traced = response.body.customer;

    expect(traced.id).toBe(customerId(5));
    expect(traced.passed).toBe(false);
    expect(traced.failedStep).toBe('applicability');
    expect(traced.steps.map((step: { step: string; passed: boolean }) => [step.step, step.passed])).toEqual([
      ['eligibility', true],
      ['applicability', false],
    ]);
    expect(traced.steps[1].trace.nodes[0]).toMatchObject({
      path: 'applicabilityRule.==',
      operator: '==',
      operands: ['onboarding', 'support'],
      result: false,
    });
  });

  it('traces a customer who passes', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview').send({ customerId: customerId(10) });
    const traced = response.body.customer;

    expect(traced.passed).toBe(true);
    expect(traced.failedStep).toBeNull();
    expect(traced.steps.map((step: { trace: { passed: boolean } }) => step.trace.passed)).toEqual([true, true, true]);
    expect(traced.contextWeight).toEqual({ weight: 1, matched: [] });
  });

  it('previews an inactive campaign', async () => {
    await createCampaign(testApp, { key: 'paused', rule: true, offers: ['apology'] });
    await api().delete('/v1/admin/campaigns/paused').expect(200);

    const response = await api().post('/v1/campaigns/paused/preview').send({ sampleSize: 1 });

    expect(response.body.runsNow).toBe(false);
    expect(response.body.matching).toBe(CUSTOMERS);
  });

  it('returns 404 for an unknown campaign', async () => {
    const response = await api().post('/v1/campaigns/nothing/preview').send({});

    expect(response.status).toBe(404);
    expect(response.body.error).toBe('not_found');
  });

  it.each([
    ['a sample of 0', { sampleSize: 0 }, 'body.sampleSize', /at least 1/],
    ['a sample of 101', { sampleSize: 101 }, 'body.sampleSize', /at most 100/],
    ['a fractional sample', { sampleSize: 2.5 }, 'body.sampleSize', /integer/],
    ['a text sample', { sampleSize: 'ten' }, 'body.sampleSize', /number/],
    ['an unknown customer', { customerId: 'nobody' }, 'body.customerId', /no customer has the id 'nobody'/],
    ['a numeric customer id', { customerId: 42 }, 'body.customerId', /./],
    ['an unknown field', { limit: 3 }, 'body', /unknown field 'limit'; allowed fields: customerId, sampleSize/],
  ])('rejects %s', async (_name, body, path, message) => {
    const response = await api().post('/v1/campaigns/recovery/preview').send(body);

    expectProblem(response, path, message);
  });

  it('rejects a body that is not an object', async () => {
    const response = await api().post('/v1/campaigns/recovery/preview').set('content-type', 'application/json').send('[1]');

    expectProblem(response, 'body', /JSON object/);
  });
});
