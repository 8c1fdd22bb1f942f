import jsonLogic, { type RulesLogic } from 'json-logic-js';
import type { EligibilityFacts, EligibilityRule } from './eligibility-rule.ts';
import { assertValidEligibilityRule } from './eligibility-rule.evaluator.ts';

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
  assertValidEligibilityRule(rule, prefix);
  const nodes: RuleTraceNode[] = [];
  const result = traceValue(rule, facts, prefix, false, nodes);
  return { result, passed: jsonLogic.truthy(result), nodes };
}

/**
 * Evaluates one value of a rule, recording operators found in it, and returns its value.
 * `path` is the value's path as `formatIssuePath` of #wayline/common writes it, built one
 * segment at a time instead of from an array at every node.
 */
function traceValue(value: unknown, facts: EligibilityFacts, path: string, skipped: boolean, nodes: RuleTraceNode[]): unknown {
  if (Array.isArray(value)) {
    // JSON Logic evaluates each element of a literal array.
    return value.map((element, index) => traceValue(element, facts, `${path}[${index}]`, skipped, nodes));
  }
  const operator = operatorOf(value);
  if (operator === undefined) {
    return value;
  }

  const operand: unknown = (value as Record<string, unknown>)[operator];
  const operatorPath = path === '' ? operator : `${path}.${operator}`;
  const node: RuleTraceNode = {
    path: operatorPath === '' ? '(root)' : operatorPath,
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
      const argumentPath = Array.isArray(operand) ? `${operatorPath}[${index}]` : operatorPath;
      return traceValue(argument, facts, argumentPath, skipped || index >= evaluatedCount, nodes);
    });
  }
  node.result = operatorResult(value, operator, operand, node.operands, facts);
  node.passed = jsonLogic.truthy(node.result);
  return node.result;
}

/**
 * Returns the result of an operator whose arguments the trace has evaluated, as
 * json-logic-js computes it on the whole subtree. Evaluating the subtree again repeats the
 * arguments' work, so the result comes from the argument values where that is exact:
 * - a `var` without a default returns the value it read;
 * - an operator whose argument values are all primitives returns the same when applied
 *   to them as literals, because JSON Logic returns a primitive literal as it is.
 * An object or array value would be read as a rule or a literal array again, so such a
 * subtree is evaluated again.
 */
function operatorResult(value: unknown, operator: string, operand: unknown, operandValues: unknown[], facts: EligibilityFacts): unknown {
  if (operator === 'var') {
    const withoutDefault = !Array.isArray(operand) || operand.length === 1;
    const name: unknown = Array.isArray(operand) ? operand[0] : operand;
    if (withoutDefault && typeof name === 'string') {
      return operandValues[0];
    }
  } else if (operator !== 'missing' && operandValues.every(isPrimitive)) {
    return jsonLogic.apply({ [operator]: operandValues } as RulesLogic, facts);
  }
  return jsonLogic.apply(value as RulesLogic, facts);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
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

/** Returns the operator of a JSON Logic operation (an object with exactly one key), or undefined for any other value. */
function operatorOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

/** Operators whose later arguments JSON Logic may leave unevaluated. A trace evaluates them anyway. */
const SHORT_CIRCUIT_OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'if']);

/** Cache of whether each rule object contains a short-circuit operator. It assumes that rule objects do not change, as the validation cache does. */
const shortCircuitRules = new WeakMap<object, boolean>();

/**
 * Returns whether {@link traceEligibilityRule} on `rule` and `facts` throws exactly when
 * evaluating the rule throws, so a caller may evaluate first and trace only the outcomes
 * it reports. A trace also evaluates the arguments that `and`, `or` and `if` skip. On
 * valid rules those can throw only on an attribute value that is an object, such as one
 * whose own `indexOf` key is not a function and which `in` then calls.
 */
export function traceFailsLikeEvaluation(rule: EligibilityRule, facts: EligibilityFacts): boolean {
  return !containsShortCircuitOperator(rule) || Object.values(facts.customer.attributes).every(isPrimitiveOrArrayOfThem);
}

function containsShortCircuitOperator(rule: unknown): boolean {
  if (typeof rule !== 'object' || rule === null) {
    return false;
  }
  let found = shortCircuitRules.get(rule);
  if (found === undefined) {
    found = Array.isArray(rule)
      ? rule.some(containsShortCircuitOperator)
      : Object.entries(rule).some(([key, value]) => SHORT_CIRCUIT_OPERATORS.has(key) || containsShortCircuitOperator(value));
    shortCircuitRules.set(rule, found);
  }
  return found;
}

function isPrimitiveOrArrayOfThem(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.every(isPrimitiveOrArrayOfThem);
  }
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}
