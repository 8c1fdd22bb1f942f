import type { EligibilityRule, JsonValue } from '../rules/eligibility-rule.ts';

/** A campaign as stored, with every offer linked to it, active or not. */
export interface CampaignView {
  id: string;
  key: string;
  name: string;
  rule: EligibilityRule;
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
export interface ActiveCampaign {
  id: string;
  key: string;
  name: string;
  rule: EligibilityRule;
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
