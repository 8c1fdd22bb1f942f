import { z } from 'zod';
import type { EligibilityRule } from './eligibility-rule.ts';
import { findRuleProblems } from './eligibility-rule.validator.ts';

/**
 * Zod schema of an eligibility rule. Each problem becomes an issue whose path points at
 * the bad node, so `parseInput` reports it as `body.rule.and[1].>=[0].var`.
 *
 * The value is walked by {@link findRuleProblems} only, not by `z.json()`: that walker
 * stops at the depth limit, where zod's recursion would overflow the stack on a deeply
 * nested body.
 */
export const eligibilityRuleSchema = z
  .custom<EligibilityRule>((value) => value !== undefined, { error: 'is required' })
  .superRefine((rule, context) => {
    for (const problem of findRuleProblems(rule)) {
      context.addIssue({ code: 'custom', message: problem.message, path: problem.path, input: rule });
    }
  });
