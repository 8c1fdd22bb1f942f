import { emptyRecentEventCounts, type ContextWeight, type EligibilityFacts } from '#wayline/catalog';
import {
  compareArbitrationScores,
  contextWeightOf,
  scoreCandidate,
  sortByArbitration,
  type ArbitrationFactors,
  type ArbitrationScore,
} from './arbitration.ts';

function buildFactors(overrides: Partial<ArbitrationFactors> = {}): ArbitrationFactors {
  return {
    campaignKey: 'spring',
    tier: 0,
    offerName: 'voucher',
    modelScore: 0.1,
    offerValue: 20,
    contextWeight: 1,
    businessLever: 1,
    ...overrides,
  };
}

function buildFacts(customer: Partial<EligibilityFacts['customer']> = {}, hour = 14): EligibilityFacts {
  return {
    customer: {
      id: 'c-1',
      attributes: {},
      engagement: 50,
      valence: -0.5,
      emotion: 'frustrated',
      emotionConfidence: 0.7,
      emotionTrend: 0,
      stage: 'support',
      eventCount: 4,
      daysSinceLastEvent: 1,
      events: emptyRecentEventCounts(),
      consent: {},
      ...customer,
    },
    now: { hour, weekday: 3 },
  };
}

describe('scoreCandidate', () => {
  const cases: Array<[string, Partial<ArbitrationFactors>, number, number]> = [
    ['score times value', {}, 20, 2],
    ['offer without a value counts as 1', { offerValue: 0 }, 1, 0.1],
    ['context weight multiplies', { contextWeight: 0.5 }, 20, 1],
    ['business lever multiplies', { businessLever: 3 }, 20, 6],
    ['all four factors', { modelScore: 0.25, offerValue: 8, contextWeight: 2, businessLever: 1.5 }, 8, 6],
    ['zero score', { modelScore: 0 }, 20, 0],
    ['negative uplift grows more negative with the lever', { modelScore: -0.05, businessLever: 2 }, 20, -2],
  ];

  it.each(cases)('computes %s', (_name, overrides, effectiveValue, priority) => {
    const score = scoreCandidate(buildFactors(overrides));

    expect(score.effectiveValue).toBe(effectiveValue);
    expect(score.priority).toBeCloseTo(priority, 12);
  });
});

describe('compareArbitrationScores', () => {
  const score = (overrides: Partial<ArbitrationFactors>): ArbitrationScore => scoreCandidate(buildFactors(overrides));
  const cases: Array<[string, ArbitrationScore, ArbitrationScore]> = [
    ['higher tier wins over higher priority', score({ tier: 1, modelScore: 0.01 }), score({ tier: 0, modelScore: 0.9 })],
    ['higher priority wins in a tier', score({ modelScore: 0.2 }), score({ modelScore: 0.1 })],
    ['lever lifts a weaker score', score({ modelScore: 0.1, businessLever: 3, campaignKey: 'b' }), score({ modelScore: 0.2, campaignKey: 'a' })],
    ['context weight lowers a stronger score', score({ modelScore: 0.1, campaignKey: 'b' }), score({ modelScore: 0.3, contextWeight: 0.2, campaignKey: 'a' })],
    ['campaign key breaks a tie', score({ campaignKey: 'alpha' }), score({ campaignKey: 'beta' })],
    ['offer name breaks a tie in a campaign', score({ offerName: 'a-offer' }), score({ offerName: 'b-offer' })],
    ['code unit order, not locale order', score({ campaignKey: 'Zeta' }), score({ campaignKey: 'alpha' })],
  ];

  it.each(cases)('orders %s', (_name, first, second) => {
    expect(compareArbitrationScores(first, second)).toBeLessThan(0);
    expect(compareArbitrationScores(second, first)).toBeGreaterThan(0);
  });

  it('returns 0 for the same candidate', () => {
    expect(compareArbitrationScores(score({}), score({}))).toBe(0);
  });
});

describe('sortByArbitration', () => {
  it('gives the same order for every input order', () => {
    const candidates = [
      { id: 1, arbitration: scoreCandidate(buildFactors({ campaignKey: 'b', offerName: 'x' })) },
      { id: 2, arbitration: scoreCandidate(buildFactors({ campaignKey: 'a', offerName: 'y' })) },
      { id: 3, arbitration: scoreCandidate(buildFactors({ campaignKey: 'a', offerName: 'x' })) },
      { id: 4, arbitration: scoreCandidate(buildFactors({ campaignKey: 'c', tier: 2, modelScore: 0.01 })) },
      { id: 5, arbitration: scoreCandidate(buildFactors({ campaignKey: 'd', modelScore: 0.5 })) },
    ];
    const expected = [4, 5, 3, 2, 1];

    expect(sortByArbitration(candidates).map((candidate) => candidate.id)).toEqual(expected);
    expect(sortByArbitration([...candidates].reverse()).map((candidate) => candidate.id)).toEqual(expected);
  });

  it('leaves its input as it was', () => {
    const candidates = [
      { id: 1, arbitration: scoreCandidate(buildFactors({ modelScore: 0.1 })) },
      { id: 2, arbitration: scoreCandidate(buildFactors({ modelScore: 0.2 })) },
    ];

    sortByArbitration(candidates);

    expect(candidates.map((candidate) => candidate.id)).toEqual([1, 2]);
  });
});

describe('contextWeightOf', () => {
  const unhappy: ContextWeight = { when: { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] }, weight: 0.5 };
  const evening: ContextWeight = { when: { '>=': [{ var: 'now.hour' }, 18] }, weight: 2 };
  const cases: Array<[string, ContextWeight[], EligibilityFacts, number, number[]]> = [
    ['no weights', [], buildFacts(), 1, []],
    ['one passing weight', [unhappy], buildFacts(), 0.5, [0]],
    ['one failing weight', [evening], buildFacts(), 1, []],
    ['passing weights multiply', [unhappy, evening], buildFacts({}, 20), 1, [0, 1]],
    ['only the passing ones count', [unhappy, evening], buildFacts({ emotion: 'delighted' }, 20), 2, [1]],
  ];

  it.each(cases)('computes %s', (_name, contextWeights, facts, weight, matched) => {
    const result = contextWeightOf({ contextWeights }, facts);

    expect(result.weight).toBeCloseTo(weight, 12);
    expect(result.matched).toEqual(matched);
  });
});
