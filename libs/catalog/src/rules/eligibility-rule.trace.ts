import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { formatIssuePath } from '#wayline/common';
import type { EligibilityFacts, EligibilityRule } from './eligibility-rule.ts';
import { InvalidEligibilityRuleError } from './eligibility-rule.evaluator.ts';
import { validateEligibilityRule } from './eligibility-rule.validator.ts';

/** One operator of a rule as it was evaluated for one customer. */
export interface RuleTraceNode {
  /** Path of the operator, in the form the validator reports, such as `rule.and[1].>=`. */
  path: string;
  operator: string;
  /**
   * Values of the arguments, in order, after evaluation. For `var` and `missing`, the
   * variables read and their values instead.
   */
  operands: unknown[];
  /** Variables this operator read, by name, for `var` and `missing`. */
  reads?: Record<string, unknown>;
  result: unknown;
  /** Whether `result` is truthy as JSON Logic defines it. */
  passed: boolean;
  /**
   * True when JSON Logic did not evaluate this operator, because an earlier argument of
   * an enclosing `and`, `or` or `if` decided the result. Its values are shown as if it had been.
   */
  skipped: boolean;
}

/** The outcome of a rule for one customer, with every operator in document order. */
export interface RuleTrace {
  result: unknown;
  passed: boolean;
  nodes: RuleTraceNode[];
}

/**
 * Evaluates `rule` against `facts` like `evaluateEligibilityRule` and records each
 * operator's path, arguments, the variables it read and its result. Literal `true` and
 * `false` rules have no operator, so their trace has no nodes.
 *
 * Each operator's result comes from json-logic-js applied to that operator's subtree, so
 * the trace agrees with the evaluator. That evaluates a node once per enclosing operator:
 * at most 200 nodes times 12 levels for a rule within the limits.
 *
 * @throws InvalidEligibilityRuleError when the rule breaks the rule language.
 */
export function traceEligibilityRule(rule: EligibilityRule, facts: EligibilityFacts, prefix = 'rule'): RuleTrace {
  const problems = validateEligibilityRule(rule, prefix);
  if (problems.length > 0) {
    throw new InvalidEligibilityRuleError(problems);
  }
  const nodes: RuleTraceNode[] = [];
  const result = traceValue(rule, facts, [], false, nodes, prefix);
  return { result, passed: jsonLogic.truthy(result), nodes };
}

/** Evaluates one value of a rule, recording operators found in it, and returns its value. */
function traceValue(
  value: unknown,
  facts: EligibilityFacts,
  path: Array<string | number>,
  skipped: boolean,
  nodes: RuleTraceNode[],
  prefix: string,
): unknown {
  if (Array.isArray(value)) {
    // JSON Logic evaluates each element of a literal array.
    return value.map((element, index) => traceValue(element, facts, [...path, index], skipped, nodes, prefix));
  }
  if (!isOperation(value)) {
    return value;
  }

  const operator = Object.keys(value)[0]!;
  const operand: unknown = value[operator];
  const operatorPath = [...path, operator];
  const node: RuleTraceNode = {
    path: formatIssuePath(prefix, operatorPath),
    operator,
    operands: [],
    result: undefined,
    passed: false,
    skipped,
  };
  nodes.push(node);

  if (operator === 'var' || operator === 'missing') {
    node.reads = readVariables(operator, operand, facts);
    node.operands = Object.values(node.reads);
  } else {
    const operands = Array.isArray(operand) ? operand : [operand];
    const evaluatedCount = countEvaluatedOperands(operator, operands, facts);
    node.operands = operands.map((argument, index) => {
      const argumentPath = Array.isArray(operand) ? [...operatorPath, index] : operatorPath;
      return traceValue(argument, facts, argumentPath, skipped || index >= evaluatedCount, nodes, prefix);
    });
  }
  node.result = jsonLogic.apply(value as RulesLogic, facts);
  node.passed = jsonLogic.truthy(node.result);
  return node.result;
}

/**
 * Returns how many leading arguments JSON Logic evaluates: `and` stops at the first falsy
 * argument, `or` at the first truthy one, and `if` at the branch it takes. Other
 * operators evaluate every argument.
 */
function countEvaluatedOperands(operator: string, operands: unknown[], facts: EligibilityFacts): number {
  const truthyAt = (index: number) => jsonLogic.truthy(jsonLogic.apply(operands[index] as RulesLogic, facts));
  if (operator === 'and' || operator === 'or') {
    for (let index = 0; index < operands.length; index++) {
      if (truthyAt(index) !== (operator === 'and')) {
        return index + 1;
      }
    }
    return operands.length;
  }
  if (operator === 'if') {
    // Conditions sit at even indexes, each followed by its result. A last argument without a pair is the else branch.
    let index = 0;
    for (; index < operands.length - 1; index += 2) {
      if (truthyAt(index)) {
        return index + 2;
      }
    }
    return operands.length;
  }
  return operands.length;
}

/** Reads the variables a `var` or `missing` operator names, as json-logic-js resolves them. */
function readVariables(operator: 'var' | 'missing', operand: unknown, facts: EligibilityFacts): Record<string, unknown> {
  let names: unknown[];
  if (operator === 'var') {
    names = [Array.isArray(operand) ? operand[0] : operand];
  } else {
    names = Array.isArray(operand) ? operand : [operand];
  }
  const reads: Record<string, unknown> = {};
  for (const name of names) {
    if (typeof name === 'string') {
      Object.defineProperty(reads, name, {
        value: jsonLogic.apply({ var: name } as RulesLogic, facts),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return reads;
}

function isOperation(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}
