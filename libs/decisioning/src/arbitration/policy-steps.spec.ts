import { emptyRecentEventCounts, type CampaignPolicy, type EligibilityFacts, type EligibilityRule } from '#wayline/catalog';

type PolicyCampaign = { key: string } & Pick<CampaignPolicy, 'rule' | 'applicabilityRule' | 'suitabilityRule'>;
import { compilePolicySteps, evaluatePolicySteps } from './policy-steps.ts';

function buildFacts(emotion: string | null, stage: string | null): EligibilityFacts {
  return {
    customer: {
      id: 'c-1',
      attributes: {},
      engagement: 60,
      valence: -0.5,
      emotion,
      emotionConfidence: 0.8,
      emotionTrend: 0,
      stage,
      eventCount: 5,
      daysSinceLastEvent: 1,
      events: emptyRecentEventCounts(),
      consent: {},
    },
    now: { hour: 10, weekday: 1 },
  };
}

const engaged: EligibilityRule = { '>=': [{ var: 'customer.engagement' }, 50] };
const notInSupport: EligibilityRule = { '!=': [{ var: 'customer.stage' }, 'support'] };
/** No up-sell to a customer who is angry or frustrated in the support stage. */
const notUnhappyInSupport: EligibilityRule = {
  '!': { and: [{ '==': [{ var: 'customer.stage' }, 'support'] }, { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] }] },
};

describe('evaluatePolicySteps', () => {
  const upsell: PolicyCampaign = { key: 'upsell', rule: engaged, applicabilityRule: null, suitabilityRule: notUnhappyInSupport };
  const cases: Array<[string, PolicyCampaign, EligibilityFacts, boolean, string | null, string[]]> = [
    ['every step passes', upsell, buildFacts('satisfied', 'support'), true, null, ['eligibility', 'suitability']],
    ['suitability fails for an angry customer in support', upsell, buildFacts('angry', 'support'), false, 'suitability', ['eligibility', 'suitability']],
    ['suitability passes for an angry customer elsewhere', upsell, buildFacts('angry', 'purchase'), true, null, ['eligibility', 'suitability']],
    [
      'applicability fails before suitability runs',
      { ...upsell, applicabilityRule: notInSupport },
      buildFacts('angry', 'support'),
      false,
      'applicability',
      ['eligibility', 'applicability'],
    ],
    ['eligibility fails first', { ...upsell, rule: false }, buildFacts('satisfied', 'support'), false, 'eligibility', ['eligibility']],
    ['no optional rules', { ...upsell, suitabilityRule: null }, buildFacts('angry', 'support'), true, null, ['eligibility']],
  ];

  it.each(cases)('runs %s', (_name, campaign, facts, passed, failedStep, steps) => {
    const outcome = evaluatePolicySteps(campaign, facts);

    expect(outcome.passed).toBe(passed);
    expect(outcome.failedStep).toBe(failedStep);
    expect(outcome.steps.map((step) => step.step)).toEqual(steps);
    expect(compilePolicySteps(campaign)(facts)).toBe(passed);
  });

  it('traces only the failing step by default', () => {
    const outcome = evaluatePolicySteps(upsell, buildFacts('angry', 'support'));

    expect(outcome.steps[0]!.trace).toBeUndefined();
    expect(outcome.steps[1]!.trace!.passed).toBe(false);
    expect(outcome.steps[1]!.trace!.nodes[0]!.path).toBe('suitabilityRule.!');
    expect(outcome.steps[1]!.detail).toBe('suitability rule did not pass');
  });

  it('traces every step when asked', () => {
    const outcome = evaluatePolicySteps(upsell, buildFacts('satisfied', 'support'), 'always');

    expect(outcome.steps.map((step) => step.trace?.passed)).toEqual([true, true]);
  });

  it('keeps trace errors of skipped arguments', () => {
    // `in` calls the attribute's own `indexOf`, which is not a function. JSON Logic skips
    // that argument of `or`, but a trace evaluates it, so the passing step still throws
    // as its trace does.
    const facts = buildFacts('satisfied', 'support');
    facts.customer.attributes = { tags: { indexOf: 1 } };
    const rule: EligibilityRule = { or: [true, { in: ['vip', { var: 'customer.attributes.tags' }] }] };
    const campaign: PolicyCampaign = { key: 'tags', rule, applicabilityRule: null, suitabilityRule: null };

    expect(() => evaluatePolicySteps(campaign, facts)).toThrow(TypeError);
    expect(compilePolicySteps(campaign)(facts)).toBe(true);
  });

  it('traces nothing when asked', () => {
    const outcome = evaluatePolicySteps(upsell, buildFacts('angry', 'support'), 'never');

    expect(outcome.steps.map((step) => step.trace)).toEqual([undefined, undefined]);
  });
});
