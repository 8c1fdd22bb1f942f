import jsonLogic, { type RulesLogic } from 'json-logic-js';
import type { FieldProblem } from '#wayline/common';
import type { EligibilityFacts, EligibilityRule } from './eligibility-rule.ts';
import { validateEligibilityRule } from './eligibility-rule.validator.ts';

/** A rule that breaks the rule language, found when it was about to be evaluated. */
export class InvalidEligibilityRuleError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(`Eligibility rule is invalid: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`);
    this.name = 'InvalidEligibilityRuleError';
  }
}

/**
 * Evaluates `rule` against `facts` and returns whether the result is truthy as JSON Logic
 * defines it: `false`, `null`, `0`, `""` and `[]` are falsy, everything else is truthy.
 *
 * The rule is validated again first, because json-logic-js would otherwise run any
 * operator it implements, including `log`, on a rule that did not come through the admin API.
 * On a 200-node rule the check took about twice as long as json-logic-js's evaluation,
 * measured under jest on a 2-CPU AMD EPYC machine.
 *
 * @throws InvalidEligibilityRuleError when the rule breaks the rule language.
 */
export function evaluateEligibilityRule(rule: EligibilityRule, facts: EligibilityFacts): boolean {
  const problems = validateEligibilityRule(rule);
  if (problems.length > 0) {
    throw new InvalidEligibilityRuleError(problems);
  }
  const result: unknown = jsonLogic.apply(rule as RulesLogic, facts);
  return jsonLogic.truthy(result);
}

/**
 * Validates `rule` once and returns a function that evaluates it like
 * {@link evaluateEligibilityRule}, for evaluating one rule over many customers.
 *
 * @throws InvalidEligibilityRuleError when the rule breaks the rule language.
 */
export function compileEligibilityRule(rule: EligibilityRule, prefix = 'rule'): (facts: EligibilityFacts) => boolean {
  const problems = validateEligibilityRule(rule, prefix);
  if (problems.length > 0) {
    throw new InvalidEligibilityRuleError(problems);
  }
  return (facts) => jsonLogic.truthy(jsonLogic.apply(rule as RulesLogic, facts));
}
