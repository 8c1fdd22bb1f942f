import { formatIssuePath, type FieldProblem } from '#wayline/common';
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from '../shared/input-schemas.ts';
import {
  ATTRIBUTE_VARIABLE_PREFIX,
  CONSENT_VARIABLE_PREFIX,
  ELIGIBILITY_RULE_LIMITS,
  ELIGIBILITY_VARIABLES,
  EVENT_COUNT_VARIABLE_PREFIX,
  EVENT_NAME_PATTERN,
  RECENT_EVENT_WINDOWS,
} from './eligibility-rule.ts';

/** One problem in a rule, located by zod-style path segments from the rule's root. */
export interface RuleProblem {
  path: Array<string | number>;
  message: string;
}

interface Arity {
  min: number;
  max: number;
}

/**
 * A path as a chain from the node back to the root. The walker extends it at every node
 * and turns it into an array only for a problem, which keeps valid rules cheap to check.
 */
interface PathLink {
  parent: PathLink | undefined;
  segment: string | number;
}

type Path = PathLink | undefined;

function extend(path: Path, segment: string | number): PathLink {
  return { parent: path, segment };
}

function toSegments(path: Path): Array<string | number> {
  const segments: Array<string | number> = [];
  for (let link = path; link !== undefined; link = link.parent) {
    segments.push(link.segment);
  }
  return segments.reverse();
}

/**
 * Operators a rule may use, besides `var` and `missing`, with the argument counts that
 * json-logic-js 2.0 evaluates meaningfully. `<` and `<=` take a third argument for a
 * range test (`a < b < c`). Operators that loop over arrays, build strings or print
 * (`map`, `reduce`, `cat`, `log` and the like) are left out, and so are custom ones.
 */
const OPERATOR_ARITY: Readonly<Record<string, Arity>> = {
  '==': { min: 2, max: 2 },
  '===': { min: 2, max: 2 },
  '!=': { min: 2, max: 2 },
  '!==': { min: 2, max: 2 },
  '>': { min: 2, max: 2 },
  '>=': { min: 2, max: 2 },
  '<': { min: 2, max: 3 },
  '<=': { min: 2, max: 3 },
  '!': { min: 1, max: 1 },
  '!!': { min: 1, max: 1 },
  and: { min: 1, max: Infinity },
  or: { min: 1, max: Infinity },
  if: { min: 2, max: Infinity },
  '+': { min: 1, max: Infinity },
  '-': { min: 1, max: 2 },
  '*': { min: 1, max: Infinity },
  '/': { min: 2, max: 2 },
  '%': { min: 2, max: 2 },
  min: { min: 1, max: Infinity },
  max: { min: 1, max: Infinity },
  in: { min: 2, max: 2 },
};

export const ELIGIBILITY_OPERATORS: readonly string[] = [...Object.keys(OPERATOR_ARITY), 'var', 'missing'];

const KNOWN_VARIABLES: ReadonlySet<string> = new Set(ELIGIBILITY_VARIABLES);

/**
 * Names that every object inherits (`constructor`, `__proto__`, `toString` and so on).
 * json-logic-js resolves `var` paths with plain property access, so an attribute path
 * through one of them would read the prototype instead of customer data.
 */
const INHERITED_PROPERTY_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const EXAMPLE_RULE = '{">=": [{"var": "customer.engagement"}, 50]}';

/**
 * Checks `rule` against the eligibility rule language: the allowed operators and their
 * argument counts, the known variables, and the depth, size and string length limits.
 * Returns no problems for a valid rule.
 */
export function findRuleProblems(rule: unknown): RuleProblem[] {
  if (typeof rule !== 'boolean' && !isPlainObject(rule)) {
    return [{ path: [], message: `must be true, false or an operator object such as ${EXAMPLE_RULE}` }];
  }
  const walker = new RuleWalker();
  walker.visit(rule, undefined, 1);
  return walker.problems;
}

/**
 * Checks `rule` like {@link findRuleProblems} and names each problem's path under
 * `prefix`, such as `rule.and[1].>=[0].var`.
 */
export function validateEligibilityRule(rule: unknown, prefix = 'rule'): FieldProblem[] {
  return findRuleProblems(rule).map((problem) => ({
    path: formatIssuePath(prefix, problem.path),
    message: problem.message,
  }));
}

class RuleWalker {
  readonly problems: RuleProblem[] = [];
  private nodeCount = 0;
  private tooLarge = false;
  private tooDeep = false;

  visit(node: unknown, path: Path, depth: number): void {
    if (!this.countNode()) {
      return;
    }
    if (depth > ELIGIBILITY_RULE_LIMITS.maxDepth) {
      // One report is enough, so the branch below this node is not checked.
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.report(path, `nests deeper than ${ELIGIBILITY_RULE_LIMITS.maxDepth} levels`);
      }
      return;
    }

    if (node === null || typeof node === 'boolean' || typeof node === 'number') {
      return;
    }
    if (typeof node === 'string') {
      this.checkString(node, path);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((element, index) => this.visit(element, extend(path, index), depth + 1));
      return;
    }
    if (isPlainObject(node)) {
      this.visitOperation(node, path, depth);
      return;
    }
    this.report(path, 'must be a JSON value');
  }

  private visitOperation(node: Record<string, unknown>, path: Path, depth: number): void {
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      this.report(path, `must be an operator object with exactly one key, such as ${EXAMPLE_RULE}; found ${keys.length} keys`);
      return;
    }
    const operator = keys[0]!;
    const operand = node[operator];
    const operatorPath = extend(path, operator);

    if (operator === 'var') {
      this.visitVariable(operand, operatorPath);
      return;
    }
    if (operator === 'missing') {
      this.visitMissing(operand, operatorPath);
      return;
    }
    const arity = Object.hasOwn(OPERATOR_ARITY, operator) ? OPERATOR_ARITY[operator] : undefined;
    if (arity === undefined) {
      this.report(operatorPath, `unknown operator '${operator}'; allowed operators: ${ELIGIBILITY_OPERATORS.join(' ')}`);
      return;
    }

    // JSON Logic treats a single non-array operand as a one-element argument list.
    const operands = Array.isArray(operand) ? operand : [operand];
    if (operands.length < arity.min || operands.length > arity.max) {
      this.report(operatorPath, `'${operator}' takes ${describeArity(arity)}; found ${operands.length}`);
    }
    operands.forEach((argument, index) => {
      const argumentPath = Array.isArray(operand) ? extend(operatorPath, index) : operatorPath;
      this.visit(argument, argumentPath, depth + 1);
    });
  }

  /** Accepts `{"var": "name"}`, `{"var": ["name"]}` and `{"var": ["name", default]}`. */
  private visitVariable(operand: unknown, operatorPath: PathLink): void {
    if (!Array.isArray(operand)) {
      this.checkVariableName(operand, operatorPath);
      return;
    }
    if (operand.length < 1 || operand.length > 2) {
      this.report(
        operatorPath,
        `'var' takes a variable name and an optional default value, such as {"var": ["customer.stage", "new"]}; found ${operand.length} arguments`,
      );
      return;
    }
    this.checkVariableName(operand[0], extend(operatorPath, 0));
    if (operand.length === 2) {
      const fallback: unknown = operand[1];
      const fallbackPath = extend(operatorPath, 1);
      if (!this.countNode()) {
        return;
      }
      if (fallback !== null && !['string', 'number', 'boolean'].includes(typeof fallback)) {
        this.report(fallbackPath, 'default value must be a string, number, boolean or null');
      } else if (typeof fallback === 'string') {
        this.checkString(fallback, fallbackPath);
      }
    }
  }

  /** Accepts `{"missing": "name"}` and `{"missing": ["name", ...]}`. */
  private visitMissing(operand: unknown, operatorPath: PathLink): void {
    const names = Array.isArray(operand) ? operand : [operand];
    if (names.length === 0) {
      this.report(operatorPath, `'missing' takes at least one variable name`);
      return;
    }
    names.forEach((name, index) => {
      this.checkVariableName(name, Array.isArray(operand) ? extend(operatorPath, index) : operatorPath);
    });
  }

  private checkVariableName(name: unknown, path: Path): void {
    if (!this.countNode()) {
      return;
    }
    if (typeof name !== 'string') {
      this.report(path, 'must be a variable name as a string, such as "customer.engagement"');
      return;
    }
    if (containsNulCharacter(name)) {
      this.report(path, NUL_CHARACTER_MESSAGE);
      return;
    }
    const problem = describeVariableNameProblem(name);
    if (problem !== undefined) {
      this.report(path, problem);
    }
  }

  private checkString(value: string, path: Path): void {
    if (value.length > ELIGIBILITY_RULE_LIMITS.maxStringLength) {
      this.report(path, `string is longer than ${ELIGIBILITY_RULE_LIMITS.maxStringLength} characters`);
    } else if (containsNulCharacter(value)) {
      this.report(path, NUL_CHARACTER_MESSAGE);
    }
  }

  /** Counts one node and returns false once the rule is over the size limit, which is reported once. */
  private countNode(): boolean {
    if (this.tooLarge) {
      return false;
    }
    this.nodeCount += 1;
    if (this.nodeCount > ELIGIBILITY_RULE_LIMITS.maxNodes) {
      this.tooLarge = true;
      this.report(undefined, `has more than ${ELIGIBILITY_RULE_LIMITS.maxNodes} nodes (operators, variables and literals); simplify it`);
      return false;
    }
    return true;
  }

  private report(path: Path, message: string): void {
    this.problems.push({ path: toSegments(path), message });
  }
}

function describeVariableNameProblem(name: string): string | undefined {
  if (KNOWN_VARIABLES.has(name)) {
    return undefined;
  }
  if (name.length > ELIGIBILITY_RULE_LIMITS.maxStringLength) {
    return `variable name is longer than ${ELIGIBILITY_RULE_LIMITS.maxStringLength} characters`;
  }
  if (name.startsWith(ATTRIBUTE_VARIABLE_PREFIX)) {
    const segments = name.slice(ATTRIBUTE_VARIABLE_PREFIX.length).split('.');
    if (segments.includes('')) {
      return `variable '${name}' has an empty segment; write customer.attributes.<key>, with dots only between keys`;
    }
    const inherited = segments.find((segment) => INHERITED_PROPERTY_NAMES.has(segment));
    if (inherited !== undefined) {
      return `variable '${name}' reads '${inherited}', a name every JavaScript object inherits, so it cannot be an attribute key`;
    }
    return undefined;
  }
  if (name.startsWith(EVENT_COUNT_VARIABLE_PREFIX)) {
    return describeEventCountVariableProblem(name);
  }
  if (name.startsWith(CONSENT_VARIABLE_PREFIX)) {
    return EVENT_NAME_PATTERN.test(name.slice(CONSENT_VARIABLE_PREFIX.length))
      ? undefined
      : `variable '${name}' must name a channel after ${CONSENT_VARIABLE_PREFIX}, such as ${CONSENT_VARIABLE_PREFIX}email`;
  }
  return (
    `unknown variable '${name}'; known variables: ${[...KNOWN_VARIABLES].join(', ')}, ` +
    `${ATTRIBUTE_VARIABLE_PREFIX}<key>, ${EVENT_COUNT_VARIABLE_PREFIX}<window>.<count> and ${CONSENT_VARIABLE_PREFIX}<channel>`
  );
}

/** Accepts `customer.events.<window>.count`, `.negative`, `.touchpoint.<name>` and `.type.<name>`. */
function describeEventCountVariableProblem(name: string): string | undefined {
  const [window, count, eventName, ...rest] = name.slice(EVENT_COUNT_VARIABLE_PREFIX.length).split('.');
  const validWindow = window !== undefined && Object.hasOwn(RECENT_EVENT_WINDOWS, window);
  const validCount =
    rest.length === 0 &&
    (((count === 'count' || count === 'negative') && eventName === undefined) ||
      ((count === 'touchpoint' || count === 'type') && eventName !== undefined && EVENT_NAME_PATTERN.test(eventName)));
  if (validWindow && validCount) {
    return undefined;
  }
  return (
    `variable '${name}' is not a recent event count; write ${EVENT_COUNT_VARIABLE_PREFIX}<window>.count, .negative, ` +
    `.touchpoint.<touchpoint> or .type.<type>, where <window> is one of ${Object.keys(RECENT_EVENT_WINDOWS).join(', ')}`
  );
}

/**
 * Returns every variable name that `var` and `missing` read in a valid rule, once each,
 * in the order they first appear.
 */
export function collectRuleVariables(rule: unknown): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isPlainObject(node)) {
      return;
    }
    for (const [operator, operand] of Object.entries(node)) {
      if (operator === 'var') {
        const variable: unknown = Array.isArray(operand) ? operand[0] : operand;
        if (typeof variable === 'string') {
          names.add(variable);
        }
      } else if (operator === 'missing') {
        for (const variable of Array.isArray(operand) ? operand : [operand]) {
          if (typeof variable === 'string') {
            names.add(variable);
          }
        }
      } else {
        visit(operand);
      }
    }
  };
  visit(rule);
  return [...names];
}

function describeArity(arity: Arity): string {
  const noun = (count: number) => (count === 1 ? 'argument' : 'arguments');
  if (arity.max === Infinity) {
    return `at least ${arity.min} ${noun(arity.min)}`;
  }
  if (arity.min === arity.max) {
    return `exactly ${arity.min} ${noun(arity.min)}`;
  }
  return `${arity.min} to ${arity.max} arguments`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
