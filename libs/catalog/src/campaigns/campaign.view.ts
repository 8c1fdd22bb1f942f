import type { EligibilityRule, JsonValue } from '../rules/eligibility-rule.ts';
import type { ContextWeight, OfferBudget } from './campaign-policy.schemas.ts';

/** The rules of the three policy steps and the arbitration levers of a campaign. */
export interface CampaignPolicy {
  /** Eligibility: may this customer get the campaign at all. */
  rule: EligibilityRule;
  /** Applicability: does the campaign fit the customer's situation. Null always passes. */
  applicabilityRule: EligibilityRule | null;
  /** Suitability: is the campaign right for the customer now. Null always passes. */
  suitabilityRule: EligibilityRule | null;
  /** Marketer's multiplier of the priority of every offer of the campaign, greater than 0. */
  businessLever: number;
  /** Weights whose `when` rule passes multiply the priority; none passing gives 1. */
  contextWeights: ContextWeight[];
  /** Budget of each offer of the campaign, or null for no budget. */
  offerBudget: OfferBudget | null;
}

/** A campaign as stored, with every offer linked to it, active or not. */
export interface CampaignView extends CampaignPolicy {
  id: string;
  key: string;
  name: string;
  /** Share of eligible customers held out as control, 0 to 1. */
  holdoutShare: number;
  /** Campaigns with the same holdout group share one control group. */
  holdoutGroup: string;
  /** Higher wins when several campaigns match. */
  priority: number;
  /** Start of the window, inclusive, or null for no start. */
  startsAt: Date | null;
  /** End of the window, exclusive, or null for no end. */
  endsAt: Date | null;
  active: boolean;
  /** Linked offers, ordered by name. */
  offers: Array<{ id: string; name: string; active: boolean }>;
  createdAt: Date;
  updatedAt: Date;
}

/** A campaign that can run now, with only the offers that can be sent now. */
export interface ActiveCampaign extends CampaignPolicy {
  id: string;
  key: string;
  name: string;
  holdoutShare: number;
  holdoutGroup: string;
  priority: number;
  /** Active offers on active channels, ordered by name, and never empty. */
  offers: Array<{
    id: string;
    name: string;
    value: number;
    content: Record<string, JsonValue>;
    channel: { id: string; name: string; webhookUrl: string };
  }>;
}
