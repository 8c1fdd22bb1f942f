import { validateEligibilityRule } from './eligibility-rule.validator.ts';

/** Builds `levels` nested `!` operators around `true`, which then sits at depth levels + 1. */
function nestedNot(levels: number): unknown {
  let rule: unknown = true;
  for (let level = 0; level < levels; level++) {
    rule = { '!': rule };
  }
  return rule;
}

describe('validateEligibilityRule', () => {
  const validRules: Array<[string, unknown]> = [
    ['literal true', true],
    ['literal false', false],
    ['comparison', { '>=': [{ var: 'customer.engagement' }, 50] }],
    [
      'and of two comparisons',
      { and: [{ '==': [{ var: 'customer.stage' }, 'onboarding'] }, { '<': [{ var: 'customer.daysSinceLastEvent' }, 7] }] },
    ],
    ['or with strict equality', { or: [{ '===': [{ var: 'customer.emotion' }, 'joy'] }, { '!==': [{ var: 'customer.id' }, 'x'] }] }],
    ['in with a literal list', { in: [{ var: 'customer.emotion' }, ['frustrated', 'angry']] }],
    ['in with a substring', { in: ['gold', { var: 'customer.attributes.plan' }] }],
    ['three-argument range', { '<=': [9, { var: 'now.hour' }, 17] }],
    ['unary shorthand', { '!': { var: 'customer.valence' } }],
    ['double negation', { '!!': [{ var: 'customer.attributes.email' }] }],
    ['missing with a list', { missing: ['customer.attributes.email', 'customer.stage'] }],
    ['missing with one name', { missing: 'customer.attributes.email' }],
    ['var with a default', { var: ['customer.attributes.tier', 'basic'] }],
    ['var with a null default', { var: ['customer.valence', null] }],
    ['var in array form', { var: ['customer.eventCount'] }],
    ['nested attribute', { '==': [{ var: 'customer.attributes.address.country' }, 'NL'] }],
    ['attribute array index', { '==': [{ var: 'customer.attributes.tags.0' }, 'vip'] }],
    ['if with else', { if: [{ '>': [{ var: 'customer.eventCount' }, 10] }, true, false] }],
    ['if with two branches', { if: [{ var: 'customer.stage' }, true, { var: 'customer.emotion' }, true, false] }],
    [
      'arithmetic',
      { '>': [{ '+': [{ var: 'customer.engagement' }, { '*': [{ var: 'customer.valence' }, 10] }] }, 40] },
    ],
    ['remainder and unary minus', { '==': [{ '%': [{ var: 'now.weekday' }, 6] }, { '-': [0] }] }],
    ['division, min and max', { '<': [{ '/': [{ min: [1, 2] }, { max: [3, 4] }] }, 1] }],
    ['11 nested operators', nestedNot(11)],
    ['200 nodes', { and: Array.from({ length: 199 }, () => true) }],
    ['1000-character string', { '==': [{ var: 'customer.stage' }, 'x'.repeat(1000)] }],
    ['emotion confidence and trend', { and: [{ '>': [{ var: 'customer.emotionConfidence' }, 0.5] }, { '<': [{ var: 'customer.emotionTrend' }, 0] }] }],
    ['an event count', { '>=': [{ var: 'customer.events.last7d.count' }, 3] }],
    ['a negative event count', { '>=': [{ var: 'customer.events.last1d.negative' }, 1] }],
    ['a touchpoint count', { '>=': [{ var: 'customer.events.last30d.touchpoint.call-center' }, 2] }],
    ['a type count', { '==': [{ var: 'customer.events.last90d.type.bill_payment' }, 0] }],
    ['consent for a channel', { var: 'customer.consent.email' }],
    ['missing consent', { missing: ['customer.consent.sms'] }],
  ];

  it.each(validRules)('accepts %s', (_name, rule) => {
    expect(validateEligibilityRule(rule)).toEqual([]);
  });

  const invalidRules: Array<[string, unknown, string, RegExp]> = [
    ['null', null, 'rule', /must be true, false or an operator object/],
    ['a string', 'yes', 'rule', /must be true, false or an operator object/],
    ['a number', 1, 'rule', /must be true, false or an operator object/],
    ['an array', [true], 'rule', /must be true, false or an operator object/],
    ['an empty object', {}, 'rule', /exactly one key.*found 0 keys/],
    ['two operators in one object', { and: [true], or: [false] }, 'rule', /exactly one key.*found 2 keys/],
    ['a custom operator', { foo: [1] }, 'rule.foo', /unknown operator 'foo'; allowed operators: == ===/],
    ['log', { and: [true, { log: 'x' }] }, 'rule.and[1].log', /unknown operator 'log'/],
    ['map', { map: [[1], { var: '' }] }, 'rule.map', /unknown operator 'map'/],
    ['some', { some: [[1], true] }, 'rule.some', /unknown operator 'some'/],
    ['cat', { cat: ['a', 'b'] }, 'rule.cat', /unknown operator 'cat'/],
    ['missing_some', { missing_some: [1, ['customer.id']] }, 'rule.missing_some', /unknown operator/],
    ['a dotted operator', { 'Math.max': [1, 2] }, 'rule.Math.max', /unknown operator 'Math.max'/],
    ['the ?: alias of if', { '?:': [true, true, false] }, 'rule.?:', /unknown operator/],
    ['__proto__ as operator', JSON.parse('{"__proto__": [1]}'), 'rule.__proto__', /unknown operator '__proto__'/],
    [
      'an unknown variable',
      { and: [true, { '>=': [{ var: 'customer.score' }, 1] }] },
      'rule.and[1].>=[0].var',
      /unknown variable 'customer.score'; known variables: customer.id/,
    ],
    ['the whole data', { var: '' }, 'rule.var', /unknown variable ''/],
    ['bare customer', { var: 'customer' }, 'rule.var', /unknown variable 'customer'/],
    ['a child of a scalar variable', { var: 'customer.stage.length' }, 'rule.var', /unknown variable/],
    ['bare attributes', { var: 'customer.attributes' }, 'rule.var', /unknown variable 'customer.attributes'/],
    ['an empty attribute', { var: 'customer.attributes.' }, 'rule.var', /empty segment/],
    ['a double dot', { var: 'customer.attributes.a..b' }, 'rule.var', /empty segment/],
    ['constructor', { var: 'customer.attributes.constructor' }, 'rule.var', /every JavaScript object inherits/],
    ['__proto__ in a path', { var: 'customer.attributes.__proto__.x' }, 'rule.var', /'__proto__'/],
    ['toString', { var: ['customer.attributes.plan.toString'] }, 'rule.var[0]', /'toString'/],
    ['a numeric variable name', { var: 1 }, 'rule.var', /must be a variable name as a string/],
    [
      'a computed variable name',
      { '==': [{ var: { if: [true, 'customer.id', 'customer.stage'] } }, 'x'] },
      'rule.==[0].var',
      /must be a variable name as a string/,
    ],
    ['a computed default', { var: ['customer.id', { var: 'customer.stage' }] }, 'rule.var[1]', /default value must be/],
    ['var without a name', { var: [] }, 'rule.var', /'var' takes a variable name/],
    ['var with three arguments', { var: ['customer.id', 1, 2] }, 'rule.var', /found 3 arguments/],
    ['missing without names', { missing: [] }, 'rule.missing', /at least one variable name/],
    ['missing an unknown variable', { missing: ['customer.id', 'customer.foo'] }, 'rule.missing[1]', /unknown variable 'customer.foo'/],
    ['== with one argument', { '==': [1] }, 'rule.==', /'==' takes exactly 2 arguments; found 1/],
    ['< with four arguments', { '<': [1, 2, 3, 4] }, 'rule.<', /'<' takes 2 to 3 arguments; found 4/],
    ['> with three arguments', { '>': [1, 2, 3] }, 'rule.>', /exactly 2 arguments/],
    ['! with two arguments', { '!': [true, false] }, 'rule.!', /'!' takes exactly 1 argument; found 2/],
    ['and without arguments', { and: [] }, 'rule.and', /at least 1 argument; found 0/],
    ['* without arguments', { '*': [] }, 'rule.*', /at least 1 argument/],
    ['if with one argument', { if: [true] }, 'rule.if', /at least 2 arguments/],
    ['- with three arguments', { '-': [1, 2, 3] }, 'rule.-', /1 to 2 arguments/],
    ['12 nested operators', nestedNot(12), 'rule.!.!.!.!.!.!.!.!.!.!.!.!', /nests deeper than 12 levels/],
    ['201 nodes', { and: Array.from({ length: 200 }, () => true) }, 'rule', /more than 200 nodes/],
    ['a 1001-character string', { '==': [{ var: 'customer.stage' }, 'x'.repeat(1001)] }, 'rule.==[1]', /longer than 1000 characters/],
    ['an object literal', { '==': [{ a: 1, b: 2 }, 1] }, 'rule.==[0]', /exactly one key/],
    ['a NUL in a string', { in: ['a\u0000', ['b']] }, 'rule.in[0]', /NUL character/],
    ['a NUL in a default', { var: ['customer.stage', '\u0000'] }, 'rule.var[1]', /NUL character/],
    ['a NUL in a variable name', { var: 'customer.attributes.a\u0000' }, 'rule.var', /NUL character/],
    ['an unknown event window', { var: 'customer.events.last2d.count' }, 'rule.var', /not a recent event count.*last1d, last7d, last30d, last90d/],
    ['an event count without a window', { var: 'customer.events.count' }, 'rule.var', /not a recent event count/],
    ['an unknown event count', { var: 'customer.events.last7d.sum' }, 'rule.var', /not a recent event count/],
    ['a touchpoint count without a name', { var: 'customer.events.last7d.touchpoint' }, 'rule.var', /not a recent event count/],
    ['an invalid touchpoint name', { var: 'customer.events.last7d.touchpoint.Call' }, 'rule.var', /not a recent event count/],
    ['a count below a touchpoint', { var: 'customer.events.last7d.touchpoint.call.x' }, 'rule.var', /not a recent event count/],
    ['consent without a channel', { var: 'customer.consent.' }, 'rule.var', /must name a channel/],
    ['consent below a channel', { var: 'customer.consent.email.status' }, 'rule.var', /must name a channel/],
  ];

  it.each(invalidRules)('rejects %s', (_name, rule, path, message) => {
    const problems = validateEligibilityRule(rule);

    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(message);
  });

  it('reports every problem', () => {
    const problems = validateEligibilityRule({ and: [{ foo: 1 }, { var: 'customer.bar' }, { '==': [1] }] });

    expect(problems.map((problem) => problem.path)).toEqual(['rule.and[0].foo', 'rule.and[1].var', 'rule.and[2].==']);
  });

  it('names paths under the prefix', () => {
    const problems = validateEligibilityRule({ and: [true, { foo: 1 }] }, 'body.rule');

    expect(problems.map((problem) => problem.path)).toEqual(['body.rule.and[1].foo']);
  });

  it('stops at the depth limit on deep input', () => {
    const problems = validateEligibilityRule(nestedNot(100_000));

    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/nests deeper than 12 levels/);
  });
});
