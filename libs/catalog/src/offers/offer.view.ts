import type { JsonValue } from '../rules/eligibility-rule.ts';

/** Something a campaign can send on one channel, with what a conversion is worth. */
export interface OfferView {
  id: string;
  name: string;
  channel: { id: string; name: string; active: boolean };
  /** Message content for the channel's webhook, such as subject, body and url. */
  content: Record<string, JsonValue>;
  /** Business value of one conversion, 0 or more, in the operator's currency unit. */
  value: number;
  /** Customer attributes the content templates may use. */
  requiredAttributes: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
