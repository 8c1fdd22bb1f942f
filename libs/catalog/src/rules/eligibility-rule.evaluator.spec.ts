import { jest } from '@jest/globals';
import { clockFactsAt, emptyRecentEventCounts, type EligibilityFacts, type EligibilityRule } from './eligibility-rule.ts';
import { evaluateEligibilityRule, InvalidEligibilityRuleError } from './eligibility-rule.evaluator.ts';

function buildFacts(overrides: { customer?: Partial<EligibilityFacts['customer']>; now?: Partial<EligibilityFacts['now']> } = {}): EligibilityFacts {
  return {
    customer: {
      id: 'customer-1',
      attributes: { plan: 'gold', tags: ['vip'], address: { country: 'NL' }, recency: 3 },
      engagement: 72,
      valence: -0.4,
      emotion: 'frustrated',
      stage: 'onboarding',
      eventCount: 12,
      daysSinceLastEvent: 2.5,
      emotionConfidence: 0.8,
      emotionTrend: -0.2,
      events: emptyRecentEventCounts(),
      consent: {},
      ...overrides.customer,
    },
    now: { hour: 14, weekday: 2, ...overrides.now },
  };
}

describe('evaluateEligibilityRule', () => {
  const cases: Array<[string, EligibilityRule, EligibilityFacts, boolean]> = [
    ['literal true', true, buildFacts(), true],
    ['literal false', false, buildFacts(), false],
    ['engagement at or above 50', { '>=': [{ var: 'customer.engagement' }, 50] }, buildFacts(), true],
    ['engagement at or above 80', { '>=': [{ var: 'customer.engagement' }, 80] }, buildFacts(), false],
    ['attribute equals', { '==': [{ var: 'customer.attributes.plan' }, 'gold'] }, buildFacts(), true],
    ['nested attribute', { '==': [{ var: 'customer.attributes.address.country' }, 'NL'] }, buildFacts(), true],
    ['value in attribute list', { in: ['vip', { var: 'customer.attributes.tags' }] }, buildFacts(), true],
    ['emotion in literal list', { in: [{ var: 'customer.emotion' }, ['frustrated', 'angry']] }, buildFacts(), true],
    ['null emotion in literal list', { in: [{ var: 'customer.emotion' }, ['frustrated']] }, buildFacts({ customer: { emotion: null } }), false],
    ['office hours', { '<=': [9, { var: 'now.hour' }, 17] }, buildFacts(), true],
    ['outside office hours', { '<=': [9, { var: 'now.hour' }, 17] }, buildFacts({ now: { hour: 20 } }), false],
    ['weekday is not Sunday', { '!=': [{ var: 'now.weekday' }, 0] }, buildFacts(), true],
    ['missing attribute', { missing: ['customer.attributes.email'] }, buildFacts(), true],
    ['no missing attribute', { missing: ['customer.attributes.plan'] }, buildFacts(), false],
    ['null valence counts as missing', { missing: ['customer.valence'] }, buildFacts({ customer: { valence: null } }), true],
    ['absent attribute is null', { var: 'customer.attributes.nothing' }, buildFacts(), false],
    ['default for absent attribute', { var: ['customer.attributes.nothing', 'fallback'] }, buildFacts(), true],
    ['non-zero count is truthy', { var: 'customer.eventCount' }, buildFacts(), true],
    ['zero is falsy', { '-': [{ var: 'customer.eventCount' }, 12] }, buildFacts(), false],
    ['non-empty array is truthy', { var: 'customer.attributes.tags' }, buildFacts(), true],
    ['empty array is falsy', { var: 'customer.attributes.tags' }, buildFacts({ customer: { attributes: { tags: [] } } }), false],
    ['empty string is falsy', { if: [true, '', 'yes'] }, buildFacts(), false],
    ['negative valence', { '<': [{ var: 'customer.valence' }, 0] }, buildFacts(), true],
    ['valence is null', { '==': [{ var: 'customer.valence' }, null] }, buildFacts({ customer: { valence: null } }), true],
    [
      'lapsed customers',
      { and: [{ '>': [{ var: 'customer.daysSinceLastEvent' }, 7] }, { '!': { var: 'customer.attributes.optedOut' } }] },
      buildFacts({ customer: { daysSinceLastEvent: 9 } }),
      true,
    ],
    ['never active', { '>': [{ var: 'customer.daysSinceLastEvent' }, 7] }, buildFacts({ customer: { daysSinceLastEvent: null } }), false],
    [
      'weighted score',
      { '>': [{ '+': [{ var: 'customer.engagement' }, { '*': [{ var: 'customer.valence' }, 50] }] }, 60] },
      buildFacts(),
      false,
    ],
  ];

  it.each(cases)('evaluates %s', (_name, rule, facts, expected) => {
    expect(evaluateEligibilityRule(rule, facts)).toBe(expected);
  });

  it('rejects an invalid rule unevaluated', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(() => evaluateEligibilityRule({ log: 'customer data' }, buildFacts())).toThrow(InvalidEligibilityRuleError);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it('names the bad node in the error', () => {
    expect(() => evaluateEligibilityRule({ '>=': [{ var: 'customer.score' }, 1] }, buildFacts())).toThrow(
      /rule\.>=\[0\]\.var: unknown variable 'customer\.score'/,
    );
  });
});

describe('clockFactsAt', () => {
  it('reads the hour and weekday in UTC', () => {
    // 00:30 on Monday in Amsterdam is 23:30 on Sunday in UTC.
    expect(clockFactsAt(new Date('2025-01-06T00:30:00+01:00'))).toEqual({ hour: 23, weekday: 0 });
  });

  it('numbers Saturday 6', () => {
    expect(clockFactsAt(new Date('2025-01-11T08:00:00Z'))).toEqual({ hour: 8, weekday: 6 });
  });
});
