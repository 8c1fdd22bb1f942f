import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import {
  createCampaign,
  createChannel,
  createOffer,
  expectProblem,
  nextBestOffer,
  seedCustomers,
  seedEvents,
  seedOfferEvidence,
} from './decisioning-fixtures.ts';

/** The customer is angry or frustrated and in the support stage. */
const UNHAPPY_IN_SUPPORT = {
  and: [{ '==': [{ var: 'customer.stage' }, 'support'] }, { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] }],
};

interface Reason {
  step: string;
  campaign?: string;
  passed?: boolean;
  trace?: { passed: boolean; nodes: Array<{ path: string; operator: string; operands: unknown[]; result: unknown }> };
}

describe('engagement policy steps', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    api = () => testApp.api();
    const prisma = testApp.stores.database.prisma;
    await createChannel(testApp);
    await createOffer(testApp, 'premium-upgrade', 50);
    await createOffer(testApp, 'service-apology', 5);
    await createOffer(testApp, 'callback-offer', 10);
    await createOffer(testApp, 'email-digest', 1);
    for (const offer of ['premium-upgrade', 'service-apology', 'callback-offer', 'email-digest']) {
      await seedOfferEvidence(prisma, offer);
    }

    // The documented example: no up-sell to an unhappy customer in support, service recovery instead.
    await createCampaign(testApp, {
      key: 'premium-upsell',
      rule: { '==': [{ var: 'customer.attributes.plan' }, 'basic'] },
      suitabilityRule: { '!': UNHAPPY_IN_SUPPORT },
      offers: ['premium-upgrade'],
    });
    await createCampaign(testApp, {
      key: 'service-recovery',
      rule: true,
      applicabilityRule: { '==': [{ var: 'customer.stage' }, 'support'] },
      suitabilityRule: { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] },
      offers: ['service-apology'],
    });

    const now = new Date();
    await seedCustomers(prisma, [
      { id: 'angry-in-support', valence: -0.9, stage: 'support', attributes: { plan: 'basic' } },
      { id: 'frustrated-in-support', valence: -0.5, stage: 'support', attributes: { plan: 'basic' } },
      { id: 'happy-in-support', valence: 0.6, stage: 'support', attributes: { plan: 'basic' } },
      { id: 'angry-buyer', valence: -0.9, stage: 'purchase', attributes: { plan: 'basic' } },
      { id: 'gold-in-support', valence: -0.9, stage: 'support', attributes: { plan: 'gold' } },
    ], now);
  });

  afterAll(async () => {
    await testApp.close();
  });

  function stepsOf(reasons: Reason[], campaign: string): Array<[string, boolean | undefined]> {
    return reasons
      .filter((reason) => reason.campaign === campaign && ['eligibility', 'applicability', 'suitability'].includes(reason.step))
      .map((reason) => [reason.step, reason.passed]);
  }

  it.each([
    ['angry-in-support', 'service-recovery', 'service-apology'],
    ['frustrated-in-support', 'service-recovery', 'service-apology'],
    ['happy-in-support', 'premium-upsell', 'premium-upgrade'],
    ['angry-buyer', 'premium-upsell', 'premium-upgrade'],
  ])('chooses for %s', async (customerId, campaign, offer) => {
    const response = await nextBestOffer(testApp, customerId);

    expect(response.body.campaign.key).toBe(campaign);
    expect(response.body.offer.name).toBe(offer);
  });

  it('records each step of an angry customer in support', async () => {
    const response = await nextBestOffer(testApp, 'angry-in-support');
    const reasons = response.body.reasons as Reason[];

    expect(stepsOf(reasons, 'premium-upsell')).toEqual([
      ['eligibility', true],
      ['suitability', false],
    ]);
    expect(stepsOf(reasons, 'service-recovery')).toEqual([
      ['eligibility', true],
      ['applicability', true],
      ['suitability', true],
    ]);
  });

  it('traces a failed suitability rule', async () => {
    const response = await nextBestOffer(testApp, 'angry-in-support', '&trace=true');
    const failed = (response.body.reasons as Reason[]).find((reason) => reason.campaign === 'premium-upsell' && reason.step === 'suitability')!;
    const nodes = failed.trace!.nodes;

    expect(failed.trace!.passed).toBe(false);
    expect(nodes.map((node) => node.path)).toEqual([
      'suitabilityRule.!',
      'suitabilityRule.!.and',
      'suitabilityRule.!.and[0].==',
      'suitabilityRule.!.and[0].==[0].var',
      'suitabilityRule.!.and[1].in',
      'suitabilityRule.!.and[1].in[0].var',
    ]);
    expect(nodes[2]!.operands).toEqual(['support', 'support']);
    expect(nodes[5]!.result).toBe('angry');
  });

  it('leaves out passing steps without a trace', async () => {
    const response = await nextBestOffer(testApp, 'happy-in-support', '&trace=true');
    const reasons = response.body.reasons as Reason[];
    const recovery = reasons.filter((reason) => reason.campaign === 'service-recovery' && reason.step !== 'ranking');

    expect(recovery.map((reason) => [reason.step, reason.passed, reason.trace === undefined])).toEqual([
      ['eligibility', true, true],
      ['applicability', true, true],
      ['suitability', false, false],
    ]);
  });

  it('stops at a failed eligibility rule', async () => {
    const response = await nextBestOffer(testApp, 'gold-in-support', '&trace=true');
    const upsell = (response.body.reasons as Reason[]).filter((reason) => reason.campaign === 'premium-upsell');

    expect(upsell.map((reason) => [reason.step, reason.passed])).toEqual([['eligibility', false]]);
    expect(upsell[0]!.trace!.nodes[0]!.operands).toEqual(['gold', 'basic']);
  });

  it('omits traces by default', async () => {
    const response = await nextBestOffer(testApp, 'angry-in-support');
    const failed = (response.body.reasons as Reason[]).find((reason) => reason.campaign === 'premium-upsell' && reason.step === 'suitability')!;

    expect(failed).toEqual({ step: 'suitability', campaign: 'premium-upsell', passed: false, detail: 'suitability rule did not pass' });
    const stored = await testApp.stores.database.prisma.decision.findUniqueOrThrow({ where: { id: response.body.decisionId } });
    expect(JSON.stringify(stored.reasons)).not.toContain('"trace"');
  });

  it('rejects an invalid trace value', async () => {
    const response = await testApp.api().get('/v1/customers/angry-in-support/next-best-offer?channel=email&trace=yes').expect(400);

    expect(response.body.problems).toEqual([{ path: 'query.trace', message: "must be 'true' or 'false'" }]);
  });

  it('reads recent event counts and consent', async () => {
    const prisma = testApp.stores.database.prisma;
    const now = Date.now();
    await seedCustomers(prisma, [
      { id: 'caller', valence: 0.2, stage: 'support' },
      { id: 'old-caller', valence: 0.2, stage: 'support' },
    ]);
    await seedEvents(prisma, [
      { customerId: 'caller', touchpoint: 'call', type: 'complaint', occurredAt: new Date(now - 2 * 3_600_000), valence: -0.6 },
      { customerId: 'caller', touchpoint: 'call', type: 'question', occurredAt: new Date(now - 3 * 86_400_000) },
      { customerId: 'old-caller', touchpoint: 'call', type: 'complaint', occurredAt: new Date(now - 40 * 86_400_000) },
      { customerId: 'old-caller', touchpoint: 'call', type: 'complaint', occurredAt: new Date(now - 50 * 86_400_000) },
    ]);
    const email = await prisma.channel.findUniqueOrThrow({ where: { name: 'email' } });
    await prisma.customerConsent.create({ data: { customerId: 'caller', channelId: email.id, status: 'granted' } });
    await createCampaign(testApp, {
      key: 'callback',
      rule: {
        and: [
          { '>=': [{ var: 'customer.events.last7d.touchpoint.call' }, 2] },
          { '==': [{ var: 'customer.events.last1d.negative' }, 1] },
          { '==': [{ var: 'customer.events.last7d.touchpoint.store' }, 0] },
          { '==': [{ var: 'customer.consent.email' }, true] },
        ],
      },
      offers: ['callback-offer'],
      priority: 5,
    });

    try {
      const caller = await nextBestOffer(testApp, 'caller');
      const oldCaller = await nextBestOffer(testApp, 'old-caller', '&trace=true');

      expect(caller.body.campaign.key).toBe('callback');
      const failed = (oldCaller.body.reasons as Reason[]).find((reason) => reason.campaign === 'callback')!;
      expect(failed.passed).toBe(false);
      expect(failed.trace!.nodes[1]!.operands).toEqual([0, 2]);
    } finally {
      await api().delete('/v1/admin/campaigns/callback').expect(200);
    }
  });

  it('weights a campaign by context', async () => {
    await createCampaign(testApp, {
      key: 'digest',
      rule: true,
      offers: ['email-digest'],
      priority: 9,
      contextWeights: [
        { when: { '==': [{ var: 'customer.stage' }, 'support'] }, weight: 0.5 },
        { when: { '==': [{ var: 'customer.attributes.plan' }, 'basic'] }, weight: 4 },
        { when: { '==': [{ var: 'customer.stage' }, 'onboarding'] }, weight: 100 },
      ],
    });

    try {
      const response = await nextBestOffer(testApp, 'happy-in-support');
      const ranking = (response.body.reasons as Array<Reason & { arbitration: { contextWeight: number; contextWeightsMatched: number[] } }>).find(
        (reason) => reason.step === 'ranking' && reason.campaign === 'digest',
      )!;

      expect(ranking.arbitration.contextWeight).toBe(2);
      expect(ranking.arbitration.contextWeightsMatched).toEqual([0, 1]);
    } finally {
      await api().delete('/v1/admin/campaigns/digest').expect(200);
    }
  });

  describe('bad rules', () => {
    it.each([
      ['applicabilityRule', { applicabilityRule: { and: [true, { log: 'x' }] } }, 'body.applicabilityRule.and[1].log', /unknown operator 'log'/],
      ['suitabilityRule', { suitabilityRule: { '==': [{ var: 'customer.mood' }, 'x'] } }, 'body.suitabilityRule.==[0].var', /unknown variable 'customer.mood'/],
      ['an event window', { rule: { '>': [{ var: 'customer.events.last3d.count' }, 1] } }, 'body.rule.>[0].var', /not a recent event count/],
      ['a context weight rule', { contextWeights: [{ when: { foo: [1] }, weight: 2 }] }, 'body.contextWeights[0].when.foo', /unknown operator 'foo'/],
      ['a zero context weight', { contextWeights: [{ when: true, weight: 0 }] }, 'body.contextWeights[0].weight', /greater than 0/],
      ['a zero lever', { businessLever: 0 }, 'body.businessLever', /greater than 0/],
      ['a huge lever', { businessLever: 5000 }, 'body.businessLever', /at most 1000/],
      ['an empty budget', { offerBudget: { period: 'day' } }, 'body.offerBudget', /maxDecisions, maxValue or both/],
      ['a budget period', { offerBudget: { period: 'week', maxDecisions: 1 } }, 'body.offerBudget.period', /"day"/],
      ['a fractional budget', { offerBudget: { period: 'total', maxDecisions: 1.5 } }, 'body.offerBudget.maxDecisions', /integer/],
    ])('rejects %s with its path', async (_name, fields, path, message) => {
      const response = await api()
        .post('/v1/admin/campaigns')
        .send({ key: 'bad', name: 'Bad', offers: ['premium-upgrade'], holdoutShare: 0, ...fields });

      expectProblem(response, path, message);
      expect((await api().get('/v1/admin/campaigns/bad')).status).toBe(404);
    });

    it('rejects a bad rule on PATCH', async () => {
      const response = await api()
        .patch('/v1/admin/campaigns/premium-upsell')
        .send({ suitabilityRule: { '!': { var: 'customer.attributes.constructor' } } });

      expectProblem(response, 'body.suitabilityRule.!.var', /every JavaScript object inherits/);
    });
  });

  it('clears an optional rule with null', async () => {
    await createCampaign(testApp, { key: 'clearable', rule: true, suitabilityRule: false, offers: ['email-digest'] });

    const response = await api().patch('/v1/admin/campaigns/clearable').send({ suitabilityRule: null, businessLever: 2.5 });
    await api().delete('/v1/admin/campaigns/clearable').expect(200);

    expect(response.status).toBe(200);
    expect(response.body.suitabilityRule).toBeNull();
    expect(response.body.businessLever).toBe(2.5);
  });
});
