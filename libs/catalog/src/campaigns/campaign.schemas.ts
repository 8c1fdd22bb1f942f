import { z } from 'zod';
import { eligibilityRuleSchema } from '../rules/eligibility-rule.schema.ts';
import { businessLeverSchema, contextWeightsSchema, offerBudgetSchema, optionalPolicyRuleSchema } from './campaign-policy.schemas.ts';
import {
  booleanQuerySchema,
  hasSomeField,
  int32Schema,
  isoDateTimeSchema,
  containsNulCharacter,
  NUL_CHARACTER_MESSAGE,
  reportMissing,
  slugSchema,
  strictInput,
} from '../shared/input-schemas.ts';

export const CAMPAIGN_OFFER_LIMITS = { min: 1, max: 50 } as const;

const campaignNameSchema = z
  .string({ error: reportMissing })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((name) => !containsNulCharacter(name), NUL_CHARACTER_MESSAGE);

const offerNamesSchema = z
  .array(slugSchema, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of offer names') })
  .min(CAMPAIGN_OFFER_LIMITS.min, `must list at least ${CAMPAIGN_OFFER_LIMITS.min} offer`)
  .max(CAMPAIGN_OFFER_LIMITS.max, `must list at most ${CAMPAIGN_OFFER_LIMITS.max} offers`)
  .superRefine((names, context) => {
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        context.addIssue({ code: 'custom', message: `offer '${name}' is listed more than once`, path: [index], input: name });
      }
    });
  });

const holdoutShareSchema = z
  .number({ error: reportMissing })
  .min(0, 'must be between 0 and 1, such as 0.1 for a 10% control group')
  .max(1, 'must be between 0 and 1, such as 0.1 for a 10% control group');

/** Rejects a window that ends before or when it starts. An open end never conflicts. */
function checkWindow(
  campaign: { startsAt?: Date | null; endsAt?: Date | null },
  context: z.RefinementCtx,
): void {
  const { startsAt, endsAt } = campaign;
  if (startsAt == null || endsAt == null || endsAt.getTime() > startsAt.getTime()) {
    return;
  }
  context.addIssue({
    code: 'custom',
    message: `must be after startsAt (${startsAt.toISOString()})`,
    path: ['endsAt'],
    input: endsAt,
  });
}

export const createCampaignSchema = strictInput({
  key: slugSchema,
  name: campaignNameSchema,
  rule: eligibilityRuleSchema.default(true),
  applicabilityRule: optionalPolicyRuleSchema.default(null),
  suitabilityRule: optionalPolicyRuleSchema.default(null),
  offers: offerNamesSchema,
  holdoutShare: holdoutShareSchema,
  holdoutGroup: slugSchema.optional(),
  priority: int32Schema.default(0),
  businessLever: businessLeverSchema.default(1),
  contextWeights: contextWeightsSchema.default([]),
  offerBudget: offerBudgetSchema.nullable().default(null),
  startsAt: isoDateTimeSchema.nullable().optional(),
  endsAt: isoDateTimeSchema.nullable().optional(),
}).superRefine(checkWindow);

export const updateCampaignSchema = strictInput({
  key: slugSchema.optional(),
  name: campaignNameSchema.optional(),
  rule: eligibilityRuleSchema.optional(),
  applicabilityRule: optionalPolicyRuleSchema.optional(),
  suitabilityRule: optionalPolicyRuleSchema.optional(),
  offers: offerNamesSchema.optional(),
  holdoutShare: holdoutShareSchema.optional(),
  holdoutGroup: slugSchema.optional(),
  priority: int32Schema.optional(),
  businessLever: businessLeverSchema.optional(),
  contextWeights: contextWeightsSchema.optional(),
  offerBudget: offerBudgetSchema.nullable().optional(),
  startsAt: isoDateTimeSchema.nullable().optional(),
  endsAt: isoDateTimeSchema.nullable().optional(),
  active: z.boolean().optional(),
})
  .superRefine(checkWindow)
  .refine(hasSomeField, 'must contain at least one field to change');

export const listCampaignsQuerySchema = strictInput({
  active: booleanQuerySchema.optional(),
});

export type CreateCampaignInput = z.output<typeof createCampaignSchema>;
export type UpdateCampaignInput = z.output<typeof updateCampaignSchema>;
export type ListCampaignsQuery = z.output<typeof listCampaignsQuerySchema>;
