import type { OfferBudget } from '#wayline/catalog';

/** Period start of a total budget, which never rolls over. */
export const TOTAL_BUDGET_PERIOD = '1970-01-01';

/** Spend of one offer of a campaign in the current budget period. */
export interface BudgetSpend {
  decisions: number;
  value: number;
}

/** The budget key of one offer of a campaign at one instant. */
export interface BudgetKey {
  campaignId: string;
  offerId: string;
  /** `YYYY-MM-DD`: the UTC day of the decision for a day budget, {@link TOTAL_BUDGET_PERIOD} for a total one. */
  periodStart: string;
}

/** Returns the start of the budget period that contains `now`: its UTC day, or the fixed start of a total budget. */
export function budgetPeriodStart(budget: Pick<OfferBudget, 'period'>, now: Date): string {
  return budget.period === 'day' ? now.toISOString().slice(0, 10) : TOTAL_BUDGET_PERIOD;
}

/**
 * Returns whether one more treatment decision for an offer worth `offerValue` fits the
 * budget: fewer than `maxDecisions` decisions so far, and the summed value with this one
 * at most `maxValue`. The decision transaction checks the same condition again in SQL.
 */
export function fitsBudget(budget: OfferBudget, spend: BudgetSpend, offerValue: number): boolean {
  if (budget.maxDecisions !== null && spend.decisions >= budget.maxDecisions) {
    return false;
  }
  if (budget.maxValue !== null && spend.value + offerValue > budget.maxValue) {
    return false;
  }
  return true;
}

/**
 * Raised inside a decision transaction when another decision spent the offer's budget
 * between the check and the write. The transaction rolls back and the decision is made
 * again without that offer.
 */
export class OfferBudgetExhaustedError extends Error {
  constructor(readonly campaign: string, readonly offer: string) {
    super(`The budget of offer '${offer}' in campaign '${campaign}' was spent by a concurrent decision`);
    this.name = 'OfferBudgetExhaustedError';
  }
}
