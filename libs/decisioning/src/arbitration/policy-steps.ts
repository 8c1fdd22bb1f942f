import {
  compileEligibilityRule,
  traceEligibilityRule,
  traceFailsLikeEvaluation,
  type CampaignPolicy,
  type EligibilityFacts,
  type EligibilityRule,
  type RuleTrace,
} from '#wayline/catalog';

/**
 * The three engagement policy steps, in the order they run:
 * - eligibility: may this customer get the campaign at all (the campaign's `rule`);
 * - applicability: does the campaign fit the customer's situation (`applicabilityRule`);
 * - suitability: is the campaign right for the customer now (`suitabilityRule`).
 */
export const POLICY_STEPS = ['eligibility', 'applicability', 'suitability'] as const;

export type PolicyStep = (typeof POLICY_STEPS)[number];

/** Campaign field that contains the rule of each step. Trace paths start with it. */
export const POLICY_RULE_FIELDS: Readonly<Record<PolicyStep, 'rule' | 'applicabilityRule' | 'suitabilityRule'>> = {
  eligibility: 'rule',
  applicability: 'applicabilityRule',
  suitability: 'suitabilityRule',
};

/** One evaluated step of one campaign, as decision reasons and previews report it. */
export interface PolicyStepReason {
  step: PolicyStep;
  campaign: string;
  passed: boolean;
  detail: string;
  /** The rule's trace, when the caller asked for it for this outcome. */
  trace?: RuleTrace;
}

export interface PolicyOutcome {
  passed: boolean;
  /** The first step that failed, or null when every step passed. */
  failedStep: PolicyStep | null;
  /**
   * The steps evaluated, in order, up to and including the first failure. A step without
   * a rule (a null applicability or suitability rule) passes and is left out.
   */
  steps: PolicyStepReason[];
}

/** When to attach a rule trace to a step: on every step, only on the failing one, or never. */
export type TraceMode = 'always' | 'on-failure' | 'never';

/**
 * Runs the three policy steps of `campaign` for one customer, stopping at the first step
 * that fails. Each rule object is validated before it runs for the first time.
 *
 * @throws InvalidEligibilityRuleError when a stored rule breaks the rule language.
 */
export function evaluatePolicySteps(
  campaign: { key: string } & Pick<CampaignPolicy, 'rule' | 'applicabilityRule' | 'suitabilityRule'>,
  facts: EligibilityFacts,
  traceMode: TraceMode = 'on-failure',
): PolicyOutcome {
  const steps: PolicyStepReason[] = [];
  for (const step of POLICY_STEPS) {
    const rule: EligibilityRule | null = campaign[POLICY_RULE_FIELDS[step]];
    if (rule === null) {
      continue;
    }
    const reason = evaluateStep(step, campaign.key, rule, facts, traceMode);
    steps.push(reason);
    if (!reason.passed) {
      return { passed: false, failedStep: step, steps };
    }
  }
  return { passed: true, failedStep: null, steps };
}

function evaluateStep(step: PolicyStep, campaign: string, rule: EligibilityRule, facts: EligibilityFacts, traceMode: TraceMode): PolicyStepReason {
  if (traceMode === 'never') {
    const passed = compileEligibilityRule(rule, POLICY_RULE_FIELDS[step])(facts);
    return { step, campaign, passed, detail: describeOutcome(step, passed) };
  }
  if (traceMode === 'on-failure') {
    // A passing step gets no trace in this mode, so the rule is evaluated first and traced only when it fails.
    const passes = compileEligibilityRule(rule, POLICY_RULE_FIELDS[step]);
    if (traceFailsLikeEvaluation(rule, facts) && passes(facts)) {
      return { step, campaign, passed: true, detail: describeOutcome(step, true) };
    }
  }
  const trace = traceEligibilityRule(rule, facts, POLICY_RULE_FIELDS[step]);
  const reason: PolicyStepReason = { step, campaign, passed: trace.passed, detail: describeOutcome(step, trace.passed) };
  if (traceMode === 'always' || !trace.passed) {
    reason.trace = trace;
  }
  return reason;
}

function describeOutcome(step: PolicyStep, passed: boolean): string {
  return `${step} rule ${passed ? 'passed' : 'did not pass'}`;
}

/**
 * Validates the three rules of a campaign once and returns a check that all of them pass,
 * for evaluating them over many customers as a campaign preview does.
 *
 * @throws InvalidEligibilityRuleError when a stored rule breaks the rule language.
 */
export function compilePolicySteps(
  campaign: Pick<CampaignPolicy, 'rule' | 'applicabilityRule' | 'suitabilityRule'>,
): (facts: EligibilityFacts) => boolean {
  const checks = POLICY_STEPS.flatMap((step) => {
    const rule = campaign[POLICY_RULE_FIELDS[step]];
    return rule === null ? [] : [compileEligibilityRule(rule, POLICY_RULE_FIELDS[step])];
  });
  return (facts) => checks.every((check) => check(facts));
}
