import { evaluateEligibilityRule, type CampaignPolicy, type EligibilityFacts } from '#wayline/catalog';

/** The context weight of a campaign for one customer, with the entries that set it. */
export interface ContextWeightResult {
  /** Product of the weights of the passing entries, or 1 when none passes. */
  weight: number;
  /** Indexes into the campaign's `contextWeights` of the entries whose `when` rule passed. */
  matched: number[];
}

/**
 * Evaluates the campaign's context weights for one customer. Every entry whose `when`
 * rule passes multiplies the weight, so independent conditions combine: 0.5 for an
 * unhappy customer and 2 for the evening give 1 for an unhappy customer in the evening.
 *
 * @throws InvalidEligibilityRuleError when a stored `when` rule breaks the rule language.
 */
export function contextWeightOf(campaign: Pick<CampaignPolicy, 'contextWeights'>, facts: EligibilityFacts): ContextWeightResult {
  let weight = 1;
  const matched: number[] = [];
  const entries = campaign.contextWeights;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (evaluateEligibilityRule(entry.when, facts)) {
      weight *= entry.weight;
      matched.push(index);
    }
  }
  return { weight, matched };
}

/** Inputs of arbitration for one candidate offer. */
export interface ArbitrationFactors {
  campaignKey: string;
  /** The campaign's `priority`: a strict tier, so a higher tier always wins. */
  tier: number;
  offerName: string;
  /** The model's score, such as the conversion probability, 0 to 1. */
  modelScore: number;
  /** The offer's business value of a conversion. */
  offerValue: number;
  contextWeight: number;
  businessLever: number;
}

/** The factors of a candidate and the priority they multiply to. */
export interface ArbitrationScore extends ArbitrationFactors {
  /** The value used in the product: the offer's value, or 1 for an offer without one. */
  effectiveValue: number;
  /** modelScore × effectiveValue × contextWeight × businessLever. */
  priority: number;
}

/**
 * Multiplies the factors into the arbitration priority. An offer without a value (0)
 * counts as 1, so it ranks by its score alone instead of never ranking above another offer.
 */
export function scoreCandidate(factors: ArbitrationFactors): ArbitrationScore {
  const effectiveValue = factors.offerValue > 0 ? factors.offerValue : 1;
  // The fields are listed instead of spread, because a spread costs more per candidate.
  return {
    campaignKey: factors.campaignKey,
    tier: factors.tier,
    offerName: factors.offerName,
    modelScore: factors.modelScore,
    offerValue: factors.offerValue,
    contextWeight: factors.contextWeight,
    businessLever: factors.businessLever,
    effectiveValue,
    priority: factors.modelScore * effectiveValue * factors.contextWeight * factors.businessLever,
  };
}

/**
 * Orders candidates for arbitration: higher tier first, then higher priority, then
 * campaign key and offer name in code unit order, so equal candidates always come out
 * in the same order on every machine.
 */
export function compareArbitrationScores(a: ArbitrationScore, b: ArbitrationScore): number {
  return (
    b.tier - a.tier ||
    b.priority - a.priority ||
    compareCodeUnits(a.campaignKey, b.campaignKey) ||
    compareCodeUnits(a.offerName, b.offerName)
  );
}

/** Sorts the candidates by {@link compareArbitrationScores} of their scores, in a new array. */
export function sortByArbitration<T extends { arbitration: ArbitrationScore }>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => compareArbitrationScores(a.arbitration, b.arbitration));
}

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
