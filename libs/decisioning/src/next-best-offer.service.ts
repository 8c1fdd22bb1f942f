import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CatalogQueryService, type ActiveCampaign } from '#wayline/catalog';
import { customerIdSchema, DomainError, NotFoundError, parseInput, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { SendTimeService, type SendTimeReason } from '#wayline/delivery';
import { JourneyQueryService } from '#wayline/journeys';
import { WaylineMetrics, type DecisionOutcome } from '#wayline/observability';
import { ArbitrationService, type BudgetReason, type CandidateArbitration } from './arbitration/arbitration.service.ts';
import type { PolicyStepReason } from './arbitration/policy-steps.ts';
import type { Arm, ArmAssignment, HoldoutPlan } from './assignment/holdout-assignment.ts';
import { HoldoutAssignmentService } from './assignment/holdout-assignment.service.ts';
import { ContactPolicyService, type PolicyReason } from './contact-policy/contact-policy.service.ts';
import { DecisionCustomerRepository } from './decision-customer.repository.ts';
import { DecisionRepository, type LiveDecisionRecord, type RecordedLiveDecision } from './decision.repository.ts';
import type { DecisionFeatures } from './propensity/feature-encoder.ts';
import { PropensityService, type OfferScore } from './propensity/propensity.service.ts';

export const nextBestOfferQuerySchema = z.strictObject({
  channel: z
    .string({ message: 'is required, such as channel=email' })
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a channel name: lowercase letters, digits, "_" or "-"'),
  /** How many of the top-ranked candidates to return; one decision is recorded either way. */
  limit: z.coerce
    .number({ message: 'must be a number from 1 to 10' })
    .int('must be a whole number from 1 to 10')
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10')
    .default(1),
  /**
   * `true` adds the trace of each failing policy rule to the reasons, as the campaign
   * preview shows it. Off by default: with many campaigns the traces make up most of a
   * response and of the stored decision, and platforms asking for offers do not read them.
   */
  trace: z
    .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
    .default('false')
    .transform((value) => value === 'true'),
});

export type DecisionReason =
  | PolicyStepReason
  | BudgetReason
  // The campaign's priority tier is `arbitration.tier`. `arbitration.priority` is the product it ranks by within a tier.
  | ({ step: 'ranking'; campaign: string; offer: string; expectedValue: number; arbitration: CandidateArbitration } & RecordedScore)
  | { step: 'ranking-omitted'; candidates: number }
  | {
      step: 'assignment';
      campaign: string;
      holdoutGroup: string;
      /** Share the arm was drawn with: the stored one for a returning customer. */
      holdoutShare: number;
      position: number;
      arm: Arm;
      /** True when the customer is in the global control group, which overrides the campaign's arm. */
      globalControl: boolean;
      /** 'stored' when an earlier decision fixed the arm, 'drawn' for a first assignment. */
      origin: 'stored' | 'drawn';
      /** Customer's emotion label at decision time, for uplift broken down by emotion. */
      emotion: string | null;
    }
  | PolicyReason;

/** What a decision keeps of an offer's score: see {@link OfferScore}. */
type RecordedScore = Pick<OfferScore, 'probability' | 'uplift' | 'source' | 'modelVersion' | 'upliftModelVersion' | 'explorationProbability'>;

export interface NextBestOfferResult {
  decisionId: string | null;
  customerId: string;
  channel: string;
  campaign: { key: string; name: string } | null;
  arm: Arm | null;
  offer: { name: string; content: unknown; value: number } | null;
  score: ({ expectedValue: number } & RecordedScore) | null;
  message: { id: string; sendAt: Date; status: string; sendTimeReason: SendTimeReason | null } | null;
  /** The top `limit` candidates in arbitration order; `recorded` marks the one the decision is about. */
  candidates: RankedCandidate[];
  reasons: DecisionReason[];
}

export interface RankedCandidate {
  rank: number;
  campaign: string;
  offer: string;
  recorded: boolean;
  arbitration: CandidateArbitration;
}

interface Candidate {
  campaign: ActiveCampaign;
  offer: ActiveCampaign['offers'][number];
  score: OfferScore;
  expectedValue: number;
}

interface RecordContext {
  holdoutPlan: HoldoutPlan;
  campaign: ActiveCampaign;
  assignment: ArmAssignment;
  offer: ActiveCampaign['offers'][number];
  now: Date;
}

/** Ranking reasons listed per decision; lower-ranked candidates are only counted. */
export const MAX_RANKING_REASONS = 10;

@Injectable()
export class NextBestOfferService {
  private readonly logger: Logger;
  /** Absent where no metrics registry is provided, such as tests that build the service alone. */
  @Optional() @Inject(WaylineMetrics) private readonly metrics?: WaylineMetrics;

  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly journeys: JourneyQueryService,
    private readonly propensity: PropensityService,
    private readonly decisions: DecisionRepository,
    private readonly customers: DecisionCustomerRepository,
    private readonly sendTimes: SendTimeService,
    private readonly contactPolicy: ContactPolicyService,
    private readonly arbitration: ArbitrationService,
    private readonly holdouts: HoldoutAssignmentService,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: 'NextBestOfferService' });
  }

  /**
   * Picks the next best offer for the customer on a channel:
   * 1. keep the active campaigns whose eligibility, applicability and suitability rules pass
   *    for the customer's current state (see evaluatePolicySteps);
   * 2. leave out offers whose budget is spent and rank the rest by campaign priority, then
   *    predicted uplift (see PropensityService) × offer value × context weight × business
   *    lever, with ties broken by campaign key and offer name (see ArbitrationService);
   * 3. apply the contact policy (consent, cooldown, quiet hours, caps) and keep the first
   *    candidate it allows (see ContactPolicyService);
   * 4. assign the customer to treatment or control in that campaign's holdout group;
   * 5. record the decision and, for treatment, an outreach message due now or at the end
   *    of the quiet hours, in one transaction.
   * The arm is drawn after the choice, so control customers are chosen exactly like treated
   * ones and the comparison between the arms stays unbiased.
   */
  async decide(customerId: string, query: unknown, now = new Date()): Promise<NextBestOfferResult> {
    const startedAt = performance.now();
    const result = await this.arbitration.retryOnSpentBudget(() => this.decideOnce(customerId, query, now)).catch((error: unknown) => {
      this.metrics?.observeDecision(error instanceof DomainError ? 'rejected' : 'error', (performance.now() - startedAt) / 1000);
      throw error;
    });
    this.metrics?.observeDecision(decisionOutcome(result), (performance.now() - startedAt) / 1000);
    return result;
  }

  private async decideOnce(customerId: string, query: unknown, now: Date): Promise<NextBestOfferResult> {
    const { channel, limit, trace } = parseInput(nextBestOfferQuerySchema, query, 'query');
    parseInput(customerIdSchema, customerId, 'path.customerId');
    await this.requireChannel(channel);
    // One query reads the customer's scores, contact facts and holdout arms for the later steps.
    const found = await this.customers.find(customerId, channel);
    if (found === null) {
      throw new NotFoundError('Customer', customerId);
    }
    const customer = { id: found.customer.id, attributes: found.customer.attributes };
    const scores = this.journeys.scoresOf(found.customer, now);

    const features: DecisionFeatures = {
      engagement: scores.engagement,
      valence: scores.emotion.valence,
      stage: scores.stage,
      eventCount: scores.eventCount,
      daysSinceLastEvent: scores.daysSinceLastEvent,
      attributes: customer.attributes,
    };
    const reasons: DecisionReason[] = [];
    const campaigns = await this.catalog.findActiveCampaigns(now, channel);
    const policies = await this.arbitration.applyPolicies(campaigns, customer, scores, now, trace ? 'on-failure' : 'never');
    reasons.push(...policies.reasons);

    const scored = await this.rankCandidates(policies.passing, features);
    const { ranked: candidates, reasons: budgetReasons } = await this.arbitration.arbitrate(
      scored,
      policies.facts,
      now,
      (candidate) => candidate.score.uplift,
    );
    reasons.push(...budgetReasons);
    if (candidates.length === 0) {
      return { decisionId: null, customerId, channel, campaign: null, arm: null, offer: null, score: null, message: null, candidates: [], reasons };
    }
    const rankingReason = (candidate: (typeof candidates)[number]): DecisionReason => ({
      step: 'ranking',
      campaign: candidate.campaign.key,
      offer: candidate.offer.name,
      expectedValue: candidate.expectedValue,
      ...recordedScore(candidate.score),
      arbitration: candidate.arbitration,
    });
    // The reasons list the top candidates only: with a large catalog, one entry per offer would
    // make every response and stored decision tens of kilobytes.
    reasons.push(...candidates.slice(0, MAX_RANKING_REASONS).map(rankingReason));
    if (candidates.length > MAX_RANKING_REASONS) {
      reasons.push({ step: 'ranking-omitted', candidates: candidates.length - MAX_RANKING_REASONS });
    }
    const topCandidates = (recorded: (typeof candidates)[number] | null): RankedCandidate[] =>
      candidates.slice(0, limit).map((candidate, index) => ({
        rank: index + 1,
        campaign: candidate.campaign.key,
        offer: candidate.offer.name,
        recorded: candidate === recorded,
        arbitration: candidate.arbitration,
      }));

    const holdoutPlan = await this.holdouts.planFor(
      customerId,
      candidates.map((candidate) => candidate.campaign),
      found.assignments,
    );
    const policy = await this.contactPolicy.selectCandidate(
      customerId,
      candidates,
      (candidate) => ({
        channel: candidate.offer.channel.name,
        campaign: candidate.campaign.key,
        arm: holdoutPlan.armFor(candidate.campaign).arm,
      }),
      now,
      { channel, contact: found.contact },
    );
    reasons.push(...policy.reasons);
    const approval = policy.approval;
    if (approval === null) {
      return { decisionId: null, customerId, channel, campaign: null, arm: null, offer: null, score: null, message: null, candidates: topCandidates(null), reasons };
    }

    const best = approval.candidate;
    if (candidates.indexOf(best) >= MAX_RANKING_REASONS) {
      // The contact policy passed over the listed candidates: the chosen one is listed too.
      reasons.push(rankingReason(best));
    }
    const { campaign, offer } = best;
    const assignment = holdoutPlan.armFor(campaign);
    const arm = assignment.arm;
    reasons.push({
      step: 'assignment',
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      holdoutShare: assignment.holdoutShare,
      position: assignment.position,
      arm,
      globalControl: assignment.globalControl,
      origin: assignment.origin,
      emotion: scores.emotion.label,
    });

    // The best hour is read before the decision is written, because it aggregates events. Quiet hours stay excluded.
    const sendTime = arm === 'control' ? null : await this.sendTimes
      .plan({ customerId, campaignId: campaign.id, earliest: approval.sendAt, now })
      .catch(async (error: unknown) => {
        await approval.release();
        throw error;
      });
    const decisionId = randomUUID();
    const record: LiveDecisionRecord = {
      decision: {
        id: decisionId,
        customerId,
        campaignId: campaign.id,
        holdoutGroup: campaign.holdoutGroup,
        arm,
        // Control decisions keep the offer they would have received, for uplift per offer.
        offerId: offer.id,
        channel,
        score: best.score.probability,
        modelVersion: best.score.modelVersion,
        upliftModelVersion: best.score.upliftModelVersion,
        uplift: best.score.uplift,
        scoreSource: best.score.source,
        explorationProbability: best.score.explorationProbability,
        reasons,
        features: features as unknown as Record<string, unknown>,
        source: 'live',
        createdAt: now,
      },
      newArms: holdoutPlan.newAssignmentsFor(campaign),
      message:
        arm === 'control'
          ? null
          : {
              channelId: offer.channel.id,
              sendAt: sendTime?.sendAt ?? approval.sendAt,
              payload: {
                decisionId,
                customerId,
                campaign: campaign.key,
                channel,
                offer: { name: offer.name, content: offer.content, value: offer.value },
                customer: { id: customerId, attributes: customer.attributes },
              },
              sendTimeReason: sendTime?.reason ?? null,
            },
    };
    const message = await this.record(record, { holdoutPlan, campaign, assignment, offer, now }).catch(async (error: unknown) => {
      // Nothing was recorded, so the reserved caps go back.
      await approval.release();
      throw error;
    });

    // Debug, not info: one line per decision was a write to the log on every request, and the decision itself is stored.
    this.logger.debug({ decisionId, campaign: campaign.key, arm, source: best.score.source }, 'Recorded a decision');
    return {
      decisionId,
      customerId,
      channel,
      campaign: { key: campaign.key, name: campaign.name },
      arm,
      offer: arm === 'treatment' ? { name: offer.name, content: offer.content, value: offer.value } : null,
      score: {
        expectedValue: best.expectedValue,
        ...recordedScore(best.score),
      },
      message: message === null ? null : { id: message.id, sendAt: message.sendAt, status: message.status, sendTimeReason: sendTime?.reason ?? null },
      candidates: topCandidates(best),
      reasons,
    };
  }

  /**
   * Stores the decision, its first holdout arms and its message. Only treatment decisions
   * spend an offer budget, since control decisions send nothing. Without a budget to spend,
   * one statement outside a transaction does it (DecisionRepository.recordLiveAlone).
   * With a budget, or when a concurrent decision stored one of the customer's arms first,
   * a transaction writes the decision, checks the arms in force and spends the budget.
   * If the concurrent decision stored a different arm, the transaction rolls back with a ConflictError.
   */
  private async record(record: LiveDecisionRecord, context: RecordContext): Promise<RecordedLiveDecision['message']> {
    const { holdoutPlan, campaign, assignment, offer, now } = context;
    const spendsBudget = assignment.arm === 'treatment' && campaign.offerBudget !== null;
    if (!spendsBudget) {
      const alone = await this.decisions.recordLiveAlone(record);
      if (alone.recorded) {
        return alone.message;
      }
    }
    return this.decisions.inSqlTransaction(async (tx) => {
      const recorded = await this.decisions.recordLive(record, tx);
      this.holdouts.confirm(holdoutPlan, campaign, assignment, recorded.arms);
      if (spendsBudget) {
        await this.arbitration.consumeBudget(tx, campaign, offer, now);
      }
      return recorded.message;
    });
  }

  private async requireChannel(name: string): Promise<void> {
    if ((await this.catalog.findChannel(name)) === null) {
      throw ValidationError.forField('query.channel', `no channel is named '${name}'; create it with POST /v1/admin/channels`);
    }
  }

  private async rankCandidates(campaigns: ActiveCampaign[], features: DecisionFeatures): Promise<Candidate[]> {
    const pairs = campaigns.flatMap((campaign) => campaign.offers.map((offer) => ({ campaign, offer })));
    const weights = new Map(pairs.map(({ offer }) => [offer.id, offerWeight(offer.value)]));
    const scores = await this.propensity.scoreOffers([...weights.keys()], features, { weights });
    const scoreByOffer = new Map(scores.map((score) => [score.offerId, score]));
    const candidates = pairs.map(({ campaign, offer }) => {
      const score = scoreByOffer.get(offer.id)!;
      return { campaign, offer, score, expectedValue: score.uplift * offerWeight(offer.value) };
    });
    // ArbitrationService.arbitrate orders the candidates.
    return candidates;
  }
}

/** Multiplier of an offer's predicted uplift: its value, or 1 for offers without a value. */
function offerWeight(value: number): number {
  return value > 0 ? value : 1;
}

function recordedScore(score: OfferScore): RecordedScore {
  return {
    probability: score.probability,
    uplift: score.uplift,
    source: score.source,
    modelVersion: score.modelVersion,
    upliftModelVersion: score.upliftModelVersion,
    explorationProbability: score.explorationProbability,
  };
}

/** Returns the decision metrics' label: `offer` for treatment, `holdout` for control. */
function decisionOutcome(result: NextBestOfferResult): DecisionOutcome {
  if (result.decisionId === null) {
    return 'no-offer';
  }
  return result.arm === 'control' ? 'holdout' : 'offer';
}
