import { z } from 'zod';
import { identifierSchema } from '#wayline/common';

export const OUTCOME_TYPES = ['click', 'visit', 'conversion'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

const identifier = identifierSchema(200);

/**
 * `POST /v1/outcomes`: an outcome for a decision (`decisionId`), or for a customer in a
 * campaign (`customerId` + `campaign`), which resolves to the customer's latest decision
 * that counts for that campaign.
 */
export const outcomeInputSchema = z
  .strictObject({
    decisionId: z.uuid('must be a decision id (a UUID)').optional(),
    customerId: identifier.optional(),
    campaign: identifier.optional(),
    type: z.enum(OUTCOME_TYPES, { message: `must be one of ${OUTCOME_TYPES.join(', ')}` }),
    /** Money, for conversions: the order value. */
    value: z.number().min(0, 'must not be negative').max(1e12, 'must be at most 1e12').optional(),
    occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).optional(),
    idempotencyKey: identifier.optional(),
  })
  .superRefine((input, context) => {
    const byDecision = input.decisionId !== undefined;
    const byCampaign = input.customerId !== undefined || input.campaign !== undefined;
    if (byDecision && byCampaign) {
      context.addIssue({ code: 'custom', path: ['decisionId'], message: 'give either decisionId, or customerId and campaign, not both' });
    } else if (!byDecision && !byCampaign) {
      context.addIssue({ code: 'custom', path: ['decisionId'], message: 'is required unless customerId and campaign are given' });
    } else if (!byDecision) {
      if (input.customerId === undefined) {
        context.addIssue({ code: 'custom', path: ['customerId'], message: 'is required with campaign' });
      }
      if (input.campaign === undefined) {
        context.addIssue({ code: 'custom', path: ['campaign'], message: 'is required with customerId' });
      }
    }
    if (input.value !== undefined && input.type !== 'conversion') {
      context.addIssue({ code: 'custom', path: ['value'], message: 'is only allowed for conversions' });
    }
  });

export type OutcomeInput = z.output<typeof outcomeInputSchema>;
