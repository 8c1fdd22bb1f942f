import { z } from 'zod';
import type { EligibilityRule } from '../rules/eligibility-rule.ts';
import { eligibilityRuleSchema } from '../rules/eligibility-rule.schema.ts';
import { reportMissing, strictInput } from '../shared/input-schemas.ts';

/** Bounds of the marketer's levers, so that no campaign can outweigh the others by an arbitrary factor. */
export const ARBITRATION_LIMITS = {
  /** Largest business lever and context weight. Both must be greater than 0. */
  maxFactor: 1000,
  /** Entries in `contextWeights`. */
  maxContextWeights: 20,
} as const;

/** One context weight: when `when` passes for the customer, the priority is multiplied by `weight`. */
export interface ContextWeight {
  when: EligibilityRule;
  weight: number;
}

/**
 * A budget for each offer of a campaign: at most `maxDecisions` treatment decisions and at
 * most `maxValue` of summed offer value, per UTC day or in total. Either limit may be absent,
 * never both.
 */
export interface OfferBudget {
  period: 'day' | 'total';
  maxDecisions: number | null;
  maxValue: number | null;
}

const factorSchema = z
  .number({ error: reportMissing })
  .gt(0, 'must be greater than 0; deactivate the campaign or use a suitability rule to exclude it')
  .max(ARBITRATION_LIMITS.maxFactor, `must be at most ${ARBITRATION_LIMITS.maxFactor}`);

/** Multiplier of the arbitration priority of every offer of the campaign. 1 leaves it as it is. */
export const businessLeverSchema = factorSchema;

export const contextWeightsSchema = z
  .array(strictInput({ when: eligibilityRuleSchema, weight: factorSchema }), {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of {"when": rule, "weight": number}'),
  })
  .max(ARBITRATION_LIMITS.maxContextWeights, `must list at most ${ARBITRATION_LIMITS.maxContextWeights} weights`);

export const offerBudgetSchema = strictInput({
  period: z.enum(['day', 'total'], { error: 'must be "day" (per UTC day) or "total"' }),
  maxDecisions: z
    .number({ error: reportMissing })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(2_147_483_647, 'must be at most 2147483647')
    .nullable()
    .default(null),
  maxValue: z.number({ error: reportMissing }).gt(0, 'must be greater than 0').max(1e15, 'must be at most 1e15').nullable().default(null),
}).refine((budget) => budget.maxDecisions !== null || budget.maxValue !== null, 'must set maxDecisions, maxValue or both');

/** An optional rule of the applicability or suitability step; null removes it. */
export const optionalPolicyRuleSchema = eligibilityRuleSchema.nullable();
