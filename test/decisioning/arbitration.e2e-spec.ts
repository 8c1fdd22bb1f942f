import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createCampaign, createChannel, createOffer, expectProblem, nextBestOffer, seedCustomers, seedOfferEvidence } from './decisioning-fixtures.ts';

interface RankedCandidate {
  rank: number;
  campaign: string;
  offer: string;
  recorded: boolean;
  arbitration: { priority: number; businessLever: number; contextWeight: number; modelScore: number; effectiveValue: number; tier: number };
}

describe('arbitration', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;
  let customerCount = 0;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    api = () => testApp.api();
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** Creates a channel of its own for each test, so campaigns of other tests never compete. */
  async function setUpChannel(channel: string, offers: Array<[string, number]>): Promise<void> {
    await createChannel(testApp, channel);
    for (const [name, value] of offers) {
      await createOffer(testApp, name, value, channel);
      await seedOfferEvidence(testApp.stores.database.prisma, name);
    }
  }

  /** Seeds a new customer for each decision, so per-customer contact caps never apply. */
  async function newCustomer(): Promise<string> {
    customerCount += 1;
    const id = `customer-${customerCount}`;
    await seedCustomers(testApp.stores.database.prisma, [{ id, valence: 0.3, stage: 'purchase' }]);
    return id;
  }

  async function decide(channel: string, extra = ''): Promise<request.Response> {
    return nextBestOffer(testApp, await newCustomer(), extra, channel);
  }

  it('lets the business lever reorder campaigns', async () => {
    await setUpChannel('lever', [['lever-a', 10], ['lever-b', 10]]);
    await createCampaign(testApp, { key: 'lever-a', offers: ['lever-a'] });
    await createCampaign(testApp, { key: 'lever-b', offers: ['lever-b'], businessLever: 3 });

    const before = await decide('lever');
    await api().patch('/v1/admin/campaigns/lever-a').send({ businessLever: 10 }).expect(200);
    const after = await decide('lever');

    expect(before.body.campaign.key).toBe('lever-b');
    expect(after.body.campaign.key).toBe('lever-a');
    const candidate = (after.body.candidates as RankedCandidate[])[0]!;
    expect(candidate.arbitration.businessLever).toBe(10);
    expect(candidate.arbitration.priority).toBeCloseTo(
      candidate.arbitration.modelScore * candidate.arbitration.effectiveValue * candidate.arbitration.contextWeight * 10,
      12,
    );
  });

  it('multiplies the offer value into the priority', async () => {
    await setUpChannel('value', [['value-low', 5], ['value-high', 40]]);
    await createCampaign(testApp, { key: 'value-low', offers: ['value-low'], businessLever: 4 });
    await createCampaign(testApp, { key: 'value-high', offers: ['value-high'] });

    const response = await decide('value', '&limit=2');

    expect((response.body.candidates as RankedCandidate[]).map((candidate) => [candidate.campaign, candidate.arbitration.effectiveValue])).toEqual([
      ['value-high', 40],
      ['value-low', 5],
    ]);
  });

  it('keeps the campaign priority as a strict tier', async () => {
    await setUpChannel('tier', [['tier-low', 1], ['tier-high', 1000]]);
    await createCampaign(testApp, { key: 'tier-low', offers: ['tier-low'], priority: 1 });
    await createCampaign(testApp, { key: 'tier-high', offers: ['tier-high'], businessLever: 1000 });

    const response = await decide('tier');

    expect(response.body.campaign.key).toBe('tier-low');
  });

  it('returns the top k and records one decision', async () => {
    await setUpChannel('topk', [['topk-1', 30], ['topk-2', 20], ['topk-3', 10], ['topk-4', 5]]);
    await createCampaign(testApp, { key: 'topk-main', offers: ['topk-1', 'topk-2', 'topk-3'] });
    await createCampaign(testApp, { key: 'topk-other', offers: ['topk-4'] });
    const customerId = await newCustomer();

    const response = await nextBestOffer(testApp, customerId, '&limit=3', 'topk');
    const candidates = response.body.candidates as RankedCandidate[];

    expect(candidates.map((candidate) => [candidate.rank, candidate.offer, candidate.recorded])).toEqual([
      [1, 'topk-1', true],
      [2, 'topk-2', false],
      [3, 'topk-3', false],
    ]);
    expect(response.body.offer.name).toBe('topk-1');
    expect(await testApp.stores.database.prisma.decision.count({ where: { customerId } })).toBe(1);
  });

  it('returns one candidate by default', async () => {
    const response = await decide('topk');

    expect(response.body.candidates).toHaveLength(1);
  });

  it('breaks ties by campaign key, then offer name', async () => {
    await setUpChannel('tie', [['tie-y', 10], ['tie-x', 10], ['tie-z', 10]]);
    await createCampaign(testApp, { key: 'tie-b', offers: ['tie-z'] });
    await createCampaign(testApp, { key: 'tie-a', offers: ['tie-y', 'tie-x'] });

    const response = await decide('tie', '&limit=3');

    expect((response.body.candidates as RankedCandidate[]).map((candidate) => [candidate.campaign, candidate.offer])).toEqual([
      ['tie-a', 'tie-x'],
      ['tie-a', 'tie-y'],
      ['tie-b', 'tie-z'],
    ]);
  });

  it.each([
    ['limit=0', '&limit=0', /at least 1/],
    ['limit=11', '&limit=11', /at most 10/],
    ['limit=two', '&limit=two', /number/],
    ['limit=1.5', '&limit=1.5', /whole number/],
  ])('rejects %s', async (_name, extra, message) => {
    const response = await api().get(`/v1/customers/${await newCustomer()}/next-best-offer?channel=topk${extra}`);

    expectProblem(response, 'query.limit', message);
  });

  describe('offer budgets', () => {
    it('stops an offer after its maximum decisions', async () => {
      await setUpChannel('budget', [['budget-offer', 10], ['budget-fallback', 1]]);
      await createCampaign(testApp, { key: 'budgeted', offers: ['budget-offer'], priority: 1, offerBudget: { period: 'total', maxDecisions: 2 } });
      await createCampaign(testApp, { key: 'budget-fallback', offers: ['budget-fallback'] });

      const chosen = [];
      for (let index = 0; index < 3; index++) {
        chosen.push((await decide('budget')).body);
      }

      expect(chosen.map((decision) => decision.offer.name)).toEqual(['budget-offer', 'budget-offer', 'budget-fallback']);
      const reason = chosen[2].reasons.find((candidate: { step: string }) => candidate.step === 'budget');
      expect(reason).toMatchObject({ campaign: 'budgeted', offer: 'budget-offer', passed: false, period: 'total', decisions: 2, maxDecisions: 2 });
    });

    it('stops an offer before its value passes the daily maximum', async () => {
      await setUpChannel('daily', [['daily-offer', 10]]);
      await createCampaign(testApp, { key: 'daily', offers: ['daily-offer'], offerBudget: { period: 'day', maxValue: 25 } });

      const offers = [];
      for (let index = 0; index < 3; index++) {
        offers.push((await decide('daily')).body.offer?.name ?? null);
      }
      const spend = await testApp.stores.database.prisma.offerBudgetSpend.findMany({ where: { campaign: { key: 'daily' } } });

      expect(offers).toEqual(['daily-offer', 'daily-offer', null]);
      expect(spend).toHaveLength(1);
      expect(spend[0]!.periodStart.toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
      expect(spend[0]!.decisions).toBe(2);
      expect(spend[0]!.value).toBe(20);
    });

    it('spends nothing on control decisions', async () => {
      await setUpChannel('control', [['control-offer', 10]]);
      await createCampaign(testApp, { key: 'all-control', offers: ['control-offer'], holdoutShare: 1, offerBudget: { period: 'total', maxDecisions: 1 } });

      const arms = [];
      for (let index = 0; index < 3; index++) {
        arms.push((await decide('control')).body.arm);
      }

      expect(arms).toEqual(['control', 'control', 'control']);
      expect(await testApp.stores.database.prisma.offerBudgetSpend.count({ where: { campaign: { key: 'all-control' } } })).toBe(0);
    });

    it('never overspends under concurrent decisions', async () => {
      await setUpChannel('race', [['race-offer', 10], ['race-fallback', 1]]);
      await createCampaign(testApp, { key: 'race', offers: ['race-offer'], priority: 1, offerBudget: { period: 'total', maxDecisions: 5 } });
      await createCampaign(testApp, { key: 'race-fallback', offers: ['race-fallback'] });
      const customers = [];
      for (let index = 0; index < 20; index++) {
        customers.push(await newCustomer());
      }

      const responses = await Promise.all(customers.map((customerId) => nextBestOffer(testApp, customerId, '', 'race')));
      const offers = responses.map((response) => response.body.offer.name as string);
      const spend = await testApp.stores.database.prisma.offerBudgetSpend.findMany({ where: { campaign: { key: 'race' } } });
      const recorded = await testApp.stores.database.prisma.decision.count({ where: { offer: { name: 'race-offer' }, customerId: { in: customers } } });

      expect(offers.filter((offer) => offer === 'race-offer')).toHaveLength(5);
      expect(offers.filter((offer) => offer === 'race-fallback')).toHaveLength(15);
      expect(spend[0]!.decisions).toBe(5);
      expect(recorded).toBe(5);
    });
  });
});
