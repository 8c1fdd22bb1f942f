import { emptyRecentEventCounts, type EligibilityFacts, type EligibilityRule } from './eligibility-rule.ts';
import { evaluateEligibilityRule, InvalidEligibilityRuleError } from './eligibility-rule.evaluator.ts';
import { traceEligibilityRule, traceFailsLikeEvaluation, type RuleTraceNode } from './eligibility-rule.trace.ts';

function buildFacts(customer: Partial<EligibilityFacts['customer']> = {}): EligibilityFacts {
  const events = emptyRecentEventCounts();
  events.last7d = { count: 3, negative: 2, touchpoint: { call: 2, chat: 1 }, type: { complaint: 2, question: 1 } };
  return {
    customer: {
      id: 'customer-1',
      attributes: { plan: 'gold', tags: ['vip'] },
      engagement: 72,
      valence: -0.6,
      emotion: 'angry',
      emotionConfidence: 0.9,
      emotionTrend: -0.3,
      stage: 'support',
      eventCount: 12,
      daysSinceLastEvent: 1,
      events,
      consent: { email: true, sms: false },
      ...customer,
    },
    now: { hour: 14, weekday: 2 },
  };
}

/** Picks the fields of a node that the tables compare. */
function summary(node: RuleTraceNode): [string, string, unknown[], unknown, boolean] {
  return [node.path, node.operator, node.operands, node.result, node.skipped];
}

describe('traceEligibilityRule', () => {
  const cases: Array<[string, EligibilityRule, boolean, Array<ReturnType<typeof summary>>]> = [
    ['literal true', true, true, []],
    [
      'one comparison',
      { '>=': [{ var: 'customer.engagement' }, 50] },
      true,
      [
        ['rule.>=', '>=', [72, 50], true, false],
        ['rule.>=[0].var', 'var', [72], 72, false],
      ],
    ],
    [
      'and stops at the first failure',
      {
        and: [
          { '==': [{ var: 'customer.stage' }, 'onboarding'] },
          { in: [{ var: 'customer.emotion' }, ['angry', 'frustrated']] },
        ],
      },
      false,
      [
        ['rule.and', 'and', [false, true], false, false],
        ['rule.and[0].==', '==', ['support', 'onboarding'], false, false],
        ['rule.and[0].==[0].var', 'var', ['support'], 'support', false],
        ['rule.and[1].in', 'in', ['angry', ['angry', 'frustrated']], true, true],
        ['rule.and[1].in[0].var', 'var', ['angry'], 'angry', true],
      ],
    ],
    [
      'or stops at the first success',
      { or: [{ var: 'customer.consent.email' }, { var: 'customer.consent.sms' }] },
      true,
      [
        ['rule.or', 'or', [true, false], true, false],
        ['rule.or[0].var', 'var', [true], true, false],
        ['rule.or[1].var', 'var', [false], false, true],
      ],
    ],
    [
      'negation',
      { '!': { '==': [{ var: 'customer.stage' }, 'support'] } },
      false,
      [
        ['rule.!', '!', [true], false, false],
        ['rule.!.==', '==', ['support', 'support'], true, false],
        ['rule.!.==[0].var', 'var', ['support'], 'support', false],
      ],
    ],
    [
      'if takes the second branch',
      { if: [{ '<': [{ var: 'customer.engagement' }, 10] }, false, { '>': [{ var: 'customer.events.last7d.negative' }, 1] }, true, false] },
      true,
      [
        ['rule.if', 'if', [false, false, true, true, false], true, false],
        ['rule.if[0].<', '<', [72, 10], false, false],
        ['rule.if[0].<[0].var', 'var', [72], 72, false],
        ['rule.if[2].>', '>', [2, 1], true, false],
        ['rule.if[2].>[0].var', 'var', [2], 2, false],
      ],
    ],
    [
      'missing reads each name',
      { missing: ['customer.attributes.plan', 'customer.attributes.email'] },
      true,
      [['rule.missing', 'missing', ['gold', null], ['customer.attributes.email'], false]],
    ],
    [
      'recent event counts',
      { '>=': [{ var: 'customer.events.last7d.touchpoint.call' }, 2] },
      true,
      [
        ['rule.>=', '>=', [2, 2], true, false],
        ['rule.>=[0].var', 'var', [2], 2, false],
      ],
    ],
  ];

  it.each(cases)('traces %s', (_name, rule, passed, nodes) => {
    const trace = traceEligibilityRule(rule, buildFacts());

    expect(trace.passed).toBe(passed);
    expect(trace.nodes.map(summary)).toEqual(nodes);
  });

  it.each(cases)('agrees with the evaluator on %s', (_name, rule) => {
    expect(traceEligibilityRule(rule, buildFacts()).passed).toBe(evaluateEligibilityRule(rule, buildFacts()));
  });

  it('names the variables each var read', () => {
    const trace = traceEligibilityRule({ '==': [{ var: ['customer.attributes.tier', 'basic'] }, 'basic'] }, buildFacts());

    expect(trace.nodes[1]!.reads).toEqual({ 'customer.attributes.tier': null });
    expect(trace.nodes[1]!.result).toBe('basic');
  });

  it('puts paths under the prefix', () => {
    const trace = traceEligibilityRule({ '!': { var: 'customer.valence' } }, buildFacts(), 'suitabilityRule');

    expect(trace.nodes.map((node) => node.path)).toEqual(['suitabilityRule.!', 'suitabilityRule.!.var']);
  });

  it('writes paths without a prefix', () => {
    const trace = traceEligibilityRule({ '!': { var: 'customer.valence' } }, buildFacts(), '');

    expect(trace.nodes.map((node) => node.path)).toEqual(['!', '!.var']);
  });

  it('reads a var default from the subtree', () => {
    const trace = traceEligibilityRule({ '+': [{ var: ['customer.attributes.points', 5] }, 1] }, buildFacts());

    expect(trace.nodes.map(summary)).toEqual([
      ['rule.+', '+', [5, 1], 6, false],
      ['rule.+[0].var', 'var', [null], 5, false],
    ]);
  });

  it('rejects an invalid rule with the bad path', () => {
    expect(() => traceEligibilityRule({ and: [true, { log: 1 }] }, buildFacts())).toThrow(InvalidEligibilityRuleError);
    expect(() => traceEligibilityRule({ and: [true, { log: 1 }] }, buildFacts())).toThrow(/rule\.and\[1\]\.log: unknown operator/);
  });
});

describe('traceFailsLikeEvaluation', () => {
  const shortCircuit: EligibilityRule = { or: [true, { in: ['vip', { var: 'customer.attributes.tags' }] }] };

  it('holds for primitive attributes', () => {
    expect(traceFailsLikeEvaluation(shortCircuit, buildFacts())).toBe(true);
  });

  it('fails for an object attribute under or', () => {
    expect(traceFailsLikeEvaluation(shortCircuit, buildFacts({ attributes: { tags: { indexOf: 1 } } }))).toBe(false);
  });

  it('holds without and, or and if', () => {
    const rule: EligibilityRule = { in: ['vip', { var: 'customer.attributes.tags' }] };

    expect(traceFailsLikeEvaluation(rule, buildFacts({ attributes: { tags: { indexOf: 1 } } }))).toBe(true);
  });
});
