import type { CampaignView, ChannelView, ContextWeight, EligibilityRule, JsonValue, OfferBudget, OfferView } from '#wayline/catalog';

/** JSON bodies of the admin API: related rows by name, dates as ISO 8601 strings. */
export interface ChannelResponse {
  id: string;
  name: string;
  webhookUrl: string;
  active: boolean;
  kind: ChannelView['kind'];
  /** The secret itself is write-only. */
  hasSigningSecret: boolean;
  timeoutMs: number | null;
  recipientAttribute: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OfferResponse {
  id: string;
  name: string;
  channel: string;
  content: Record<string, JsonValue>;
  value: number;
  requiredAttributes: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignResponse {
  id: string;
  key: string;
  name: string;
  rule: EligibilityRule;
  applicabilityRule: EligibilityRule | null;
  suitabilityRule: EligibilityRule | null;
  offers: string[];
  holdoutShare: number;
  holdoutGroup: string;
  priority: number;
  businessLever: number;
  contextWeights: ContextWeight[];
  offerBudget: OfferBudget | null;
  startsAt: string | null;
  endsAt: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toChannelResponse(channel: ChannelView): ChannelResponse {
  return {
    id: channel.id,
    name: channel.name,
    webhookUrl: channel.webhookUrl,
    active: channel.active,
    kind: channel.kind,
    hasSigningSecret: channel.hasSigningSecret,
    timeoutMs: channel.timeoutMs,
    recipientAttribute: channel.recipientAttribute,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}

export function toOfferResponse(offer: OfferView): OfferResponse {
  return {
    id: offer.id,
    name: offer.name,
    channel: offer.channel.name,
    content: offer.content,
    value: offer.value,
    requiredAttributes: offer.requiredAttributes,
    active: offer.active,
    createdAt: offer.createdAt.toISOString(),
    updatedAt: offer.updatedAt.toISOString(),
  };
}

export function toCampaignResponse(campaign: CampaignView): CampaignResponse {
  return {
    id: campaign.id,
    key: campaign.key,
    name: campaign.name,
    rule: campaign.rule,
    applicabilityRule: campaign.applicabilityRule,
    suitabilityRule: campaign.suitabilityRule,
    offers: campaign.offers.map((offer) => offer.name),
    holdoutShare: campaign.holdoutShare,
    holdoutGroup: campaign.holdoutGroup,
    priority: campaign.priority,
    businessLever: campaign.businessLever,
    contextWeights: campaign.contextWeights,
    offerBudget: campaign.offerBudget,
    startsAt: campaign.startsAt?.toISOString() ?? null,
    endsAt: campaign.endsAt?.toISOString() ?? null,
    active: campaign.active,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
