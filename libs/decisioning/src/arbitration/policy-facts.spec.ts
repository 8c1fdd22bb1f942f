import { buildPolicyFacts, collectPolicyVariables, readsConsent, readsRecentEvents, type RecentEventGroup } from './policy-facts.ts';

const scores = {
  engagement: 40,
  emotion: { valence: -0.2, label: 'frustrated' as const, confidence: 0.6, trend: -0.1 },
  stage: 'support',
  eventCount: 6,
  daysSinceLastEvent: 0.5,
};

function group(touchpoint: string, type: string, counts: [number, number, number, number], negative: [number, number, number, number] = [0, 0, 0, 0]): RecentEventGroup {
  const [last1d, last7d, last30d, last90d] = counts;
  const [n1, n7, n30, n90] = negative;
  return {
    touchpoint,
    type,
    counts: { last1d, last7d, last30d, last90d },
    negative: { last1d: n1, last7d: n7, last30d: n30, last90d: n90 },
  };
}

describe('buildPolicyFacts', () => {
  const build = (recentEvents: RecentEventGroup[], variables: string[] = [], consent = new Map<string, boolean>()) =>
    buildPolicyFacts({
      customer: { id: 'c-1', attributes: { plan: 'gold' } },
      scores,
      recentEvents,
      consent,
      variables,
      now: new Date('2026-12-02T09:30:00Z'),
    });

  it('copies scores and the clock', () => {
    const facts = build([]);

    expect(facts.customer.emotion).toBe('frustrated');
    expect(facts.customer.emotionConfidence).toBe(0.6);
    expect(facts.customer.emotionTrend).toBe(-0.1);
    expect(facts.now).toEqual({ hour: 9, weekday: 3 });
  });

  it('sums counts per window, touchpoint and type', () => {
    const facts = build([group('call', 'complaint', [1, 2, 3, 4], [1, 1, 2, 2]), group('chat', 'complaint', [0, 1, 1, 1]), group('call', 'question', [0, 0, 2, 2])]);

    expect(facts.customer.events.last1d.count).toBe(1);
    expect(facts.customer.events.last7d.count).toBe(3);
    expect(facts.customer.events.last30d.count).toBe(6);
    expect(facts.customer.events.last90d.negative).toBe(2);
    expect({ ...facts.customer.events.last30d.touchpoint }).toEqual({ call: 5, chat: 1 });
    expect({ ...facts.customer.events.last7d.type }).toEqual({ complaint: 3 });
    expect({ ...facts.customer.events.last1d.touchpoint }).toEqual({ call: 1 });
  });

  it('reads 0 for a referenced name without events', () => {
    const facts = build([group('call', 'complaint', [0, 1, 1, 1])], ['customer.events.last7d.touchpoint.store', 'customer.events.last1d.type.complaint']);

    expect(facts.customer.events.last7d.touchpoint['store']).toBe(0);
    expect(facts.customer.events.last1d.type['complaint']).toBe(0);
    expect(facts.customer.events.last7d.touchpoint['call']).toBe(1);
  });

  it('keeps inherited names out of the counts', () => {
    const facts = build([]);

    expect(facts.customer.events.last7d.touchpoint['constructor']).toBeUndefined();
    expect(facts.customer.consent['toString']).toBeUndefined();
  });

  it('maps consent per channel', () => {
    const facts = build([], [], new Map([['email', true], ['sms', false]]));

    expect({ ...facts.customer.consent }).toEqual({ email: true, sms: false });
  });
});

describe('collectPolicyVariables', () => {
  it('reads every rule and context weight', () => {
    const variables = collectPolicyVariables([
      {
        rule: { '>': [{ var: 'customer.engagement' }, 1] },
        applicabilityRule: { missing: ['customer.attributes.email'] },
        suitabilityRule: null,
        businessLever: 1,
        contextWeights: [{ when: { var: 'customer.consent.email' }, weight: 2 }],
        offerBudget: null,
      },
    ]);

    expect([...variables]).toEqual(['customer.engagement', 'customer.attributes.email', 'customer.consent.email']);
    expect(readsConsent(variables)).toBe(true);
    expect(readsRecentEvents(variables)).toBe(false);
  });
});
