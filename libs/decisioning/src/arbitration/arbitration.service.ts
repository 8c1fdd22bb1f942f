import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ActiveCampaign, EligibilityFacts, OfferBudget } from '#wayline/catalog';
import { ConflictError, ROOT_LOGGER } from '#wayline/common';
import type { SqlExecutor } from '#wayline/database';
import type { CustomerScores } from '#wayline/journeys';
import { contextWeightOf, scoreCandidate, sortByArbitration, type ArbitrationScore, type ContextWeightResult } from './arbitration.ts';
import { budgetPeriodStart, fitsBudget, OfferBudgetExhaustedError, type BudgetKey } from './offer-budget.ts';
import { budgetKeyString, OfferBudgetRepository } from './offer-budget.repository.ts';
import { collectPolicyVariables } from './policy-facts.ts';
import { PolicyFactsService } from './policy-facts.service.ts';
import { evaluatePolicySteps, type PolicyStepReason, type TraceMode } from './policy-steps.ts';

/** An offer left out of arbitration because its budget for the period is spent. */
export interface BudgetReason {
  step: 'budget';
  campaign: string;
  offer: string;
  passed: false;
  detail: string;
  period: OfferBudget['period'];
  periodStart: string;
  decisions: number;
  value: number;
  maxDecisions: number | null;
  maxValue: number | null;
}

/** The arbitration factors of a candidate and the context weights that matched. */
export interface CandidateArbitration extends ArbitrationScore {
  /** Indexes into the campaign's `contextWeights` of the entries whose rule passed. */
  contextWeightsMatched: number[];
}

/** The fields of a scored candidate that arbitration reads. */
export interface ArbitrationCandidate {
  campaign: ActiveCampaign;
  offer: { id: string; name: string; value: number };
}

/** Attempts of one decision when concurrent decisions keep spending the budget of the chosen offer. */
const MAX_BUDGET_ATTEMPTS = 5;

/**
 * The policy steps and arbitration of the next best offer: which campaigns pass
 * eligibility, applicability and suitability for a customer, which offers still have
 * budget, and in which order the candidates rank.
 */
@Injectable()
export class ArbitrationService {
  private readonly logger: Logger;

  constructor(
    private readonly facts: PolicyFactsService,
    private readonly budgets: OfferBudgetRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ArbitrationService.name });
  }

  /**
   * Builds the customer's facts and runs the three policy steps of every campaign, in the
   * campaigns' order. Each evaluated step becomes a reason, with the rule's trace as
   * `traceMode` sets (by default on the failing step only).
   */
  async applyPolicies<Campaign extends ActiveCampaign>(
    campaigns: Campaign[],
    customer: { id: string; attributes: Record<string, unknown> },
    scores: CustomerScores,
    now: Date,
    traceMode: TraceMode = 'on-failure',
  ): Promise<{ facts: EligibilityFacts; passing: Campaign[]; reasons: PolicyStepReason[] }> {
    const facts = await this.facts.forCustomer(customer, scores, collectPolicyVariables(campaigns), now);
    const reasons: PolicyStepReason[] = [];
    const passing = campaigns.filter((campaign) => {
      const outcome = evaluatePolicySteps(campaign, facts, traceMode);
      reasons.push(...outcome.steps);
      return outcome.passed;
    });
    return { facts, passing, reasons };
  }

  /**
   * Leaves out the candidates whose offer budget is spent and orders the rest by
   * arbitration: campaign priority as a strict tier, then model score × offer value ×
   * context weight × business lever, then campaign key and offer name.
   *
   * @param modelScoreOf the model's score of a candidate, such as its conversion probability.
   */
  async arbitrate<Candidate extends ArbitrationCandidate>(
    candidates: Candidate[],
    facts: EligibilityFacts,
    now: Date,
    modelScoreOf: (candidate: Candidate) => number,
  ): Promise<{ ranked: Array<Candidate & { arbitration: CandidateArbitration }>; reasons: BudgetReason[] }> {
    const { available, reasons } = await this.withinBudget(candidates, now);

    // Every campaign's context weight is evaluated once, before any candidate is scored.
    const weights = new Map<string, ContextWeightResult>();
    const weighed = new Set<ActiveCampaign>();
    for (const { campaign } of available) {
      if (!weighed.has(campaign)) {
        weighed.add(campaign);
        weights.set(campaign.id, contextWeightOf(campaign, facts));
      }
    }
    const scored = available.map((candidate) => {
      const weight = weights.get(candidate.campaign.id)!;
      const score = scoreCandidate({
        campaignKey: candidate.campaign.key,
        tier: candidate.campaign.priority,
        offerName: candidate.offer.name,
        modelScore: modelScoreOf(candidate),
        offerValue: candidate.offer.value,
        contextWeight: weight.weight,
        businessLever: candidate.campaign.businessLever,
      });
      // Adds the field to the fresh score instead of copying the score into a new object.
      const arbitration: CandidateArbitration = Object.assign(score, { contextWeightsMatched: weight.matched });
      return { ...candidate, arbitration };
    });
    return { ranked: sortByArbitration(scored), reasons };
  }

  /**
   * Counts one treatment decision against the offer's budget inside the decision
   * transaction. Does nothing for a campaign without a budget.
   *
   * @throws OfferBudgetExhaustedError when a concurrent decision spent the budget first.
   */
  async consumeBudget(tx: SqlExecutor, campaign: ActiveCampaign, offer: { id: string; name: string; value: number }, now: Date): Promise<void> {
    const budget = campaign.offerBudget;
    if (budget === null) {
      return;
    }
    const key: BudgetKey = { campaignId: campaign.id, offerId: offer.id, periodStart: budgetPeriodStart(budget, now) };
    if (!(await this.budgets.consume(tx, key, budget, offer.value))) {
      throw new OfferBudgetExhaustedError(campaign.key, offer.name);
    }
  }

  /**
   * Runs `decide` again while it fails with OfferBudgetExhaustedError. Each retry reads the
   * spent budget and leaves that offer out, so it chooses another one.
   *
   * @throws ConflictError after {@link MAX_BUDGET_ATTEMPTS} attempts that all lost their offer's budget.
   */
  async retryOnSpentBudget<T>(decide: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await decide();
      } catch (error) {
        if (!(error instanceof OfferBudgetExhaustedError)) {
          throw error;
        }
        this.logger.info({ campaign: error.campaign, offer: error.offer, attempt }, 'Offer budget was spent concurrently; deciding again');
        if (attempt >= MAX_BUDGET_ATTEMPTS) {
          throw new ConflictError(`Offer budgets were spent by concurrent decisions ${attempt} times in a row; retry the request`, {
            cause: error,
          });
        }
      }
    }
  }

  private async withinBudget<Candidate extends ArbitrationCandidate>(
    candidates: Candidate[],
    now: Date,
  ): Promise<{ available: Candidate[]; reasons: BudgetReason[] }> {
    const budgeted = candidates.filter((candidate) => candidate.campaign.offerBudget !== null);
    if (budgeted.length === 0) {
      return { available: candidates, reasons: [] };
    }
    const keyOf = (candidate: Candidate): BudgetKey => ({
      campaignId: candidate.campaign.id,
      offerId: candidate.offer.id,
      periodStart: budgetPeriodStart(candidate.campaign.offerBudget!, now),
    });
    const spend = await this.budgets.findSpend(budgeted.map(keyOf));

    const reasons: BudgetReason[] = [];
    const available = candidates.filter((candidate) => {
      const budget = candidate.campaign.offerBudget;
      if (budget === null) {
        return true;
      }
      const key = keyOf(candidate);
      const spent = spend.get(budgetKeyString(key)) ?? { decisions: 0, value: 0 };
      if (fitsBudget(budget, spent, candidate.offer.value)) {
        return true;
      }
      reasons.push({
        step: 'budget',
        campaign: candidate.campaign.key,
        offer: candidate.offer.name,
        passed: false,
        detail: `the ${budget.period === 'day' ? 'daily' : 'total'} budget of the offer is spent`,
        period: budget.period,
        periodStart: key.periodStart,
        decisions: spent.decisions,
        value: spent.value,
        maxDecisions: budget.maxDecisions,
        maxValue: budget.maxValue,
      });
      return false;
    });
    return { available, reasons };
  }
}
