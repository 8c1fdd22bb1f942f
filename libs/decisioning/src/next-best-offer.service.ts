import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CatalogQueryService, ChannelService, evaluateEligibilityRule, type ActiveCampaign, type EligibilityFacts } from '#wayline/catalog';
import { NotFoundError, parseInput, ROOT_LOGGER, ValidationError } from '#wayline/common';
import type { Prisma } from '#wayline/database';
import { OutreachMessageRepository } from '#wayline/delivery';
import { JourneyQueryService } from '#wayline/journeys';
import { assignArm, holdoutPosition, type Arm } from './assignment/holdout-assignment.ts';
import { DecisionRepository } from './decision.repository.ts';
import type { DecisionFeatures } from './propensity/feature-encoder.ts';
import { PropensityService, type OfferScore } from './propensity/propensity.service.ts';

export const nextBestOfferQuerySchema = z.strictObject({
  channel: z
    .string({ message: 'is required, such as channel=email' })
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a channel name: lowercase letters, digits, "_" or "-"'),
});

export type DecisionReason =
  | { step: 'eligibility'; campaign: string; passed: boolean; detail: string }
  | { step: 'ranking'; campaign: string; offer: string; priority: number; probability: number; expectedValue: number; source: OfferScore['source']; modelVersion: string | null }
  | { step: 'assignment'; campaign: string; holdoutGroup: string; holdoutShare: number; position: number; arm: Arm };

export interface NextBestOfferResult {
  decisionId: string | null;
  customerId: string;
  channel: string;
  campaign: { key: string; name: string } | null;
  arm: Arm | null;
  offer: { name: string; content: unknown; value: number } | null;
  score: { probability: number; expectedValue: number; source: OfferScore['source']; modelVersion: string | null } | null;
  message: { id: string; sendAt: Date; status: string } | null;
  reasons: DecisionReason[];
}

interface Candidate {
  campaign: ActiveCampaign;
  offer: ActiveCampaign['offers'][number];
  score: OfferScore;
  expectedValue: number;
}

@Injectable()
export class NextBestOfferService {
  private readonly logger: Logger;

  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly channels: ChannelService,
    private readonly journeys: JourneyQueryService,
    private readonly propensity: PropensityService,
    private readonly decisions: DecisionRepository,
    private readonly messages: OutreachMessageRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: 'NextBestOfferService' });
  }

  /**
   * Picks the next best offer for the customer on a channel:
   * 1. keep the active campaigns whose eligibility rule passes for the customer's current state;
   * 2. rank every offer of those campaigns by campaign priority, then expected value
   *    (conversion probability times the offer's value, or the probability alone for offers
   *    without a value), with ties broken by campaign key and offer name;
   * 3. assign the customer to treatment or control in the winning campaign's holdout group;
   * 4. record the decision and, for treatment, an outreach message due now, in one transaction.
   * The arm is drawn after the choice, so control customers are chosen exactly like treated
   * ones and the comparison between the arms stays unbiased.
   */
  async decide(customerId: string, query: unknown, now = new Date()): Promise<NextBestOfferResult> {
    const { channel } = parseInput(nextBestOfferQuerySchema, query, 'query');
    await this.requireChannel(channel);
    const { customer, scores } = await this.journeys.getCustomerScores(customerId, now);

    const features: DecisionFeatures = {
      engagement: scores.engagement,
      valence: scores.emotion.valence,
      stage: scores.stage,
      eventCount: scores.eventCount,
      daysSinceLastEvent: scores.daysSinceLastEvent,
      attributes: customer.attributes,
    };
    const facts: EligibilityFacts = {
      customer: {
        id: customer.id,
        attributes: customer.attributes,
        engagement: scores.engagement,
        valence: scores.emotion.valence,
        emotion: scores.emotion.label,
        stage: scores.stage,
        eventCount: scores.eventCount,
        daysSinceLastEvent: scores.daysSinceLastEvent,
      },
      now: { hour: now.getUTCHours(), weekday: now.getUTCDay() },
    };

    const reasons: DecisionReason[] = [];
    const campaigns = await this.catalog.findActiveCampaigns(now, channel);
    const eligible = campaigns.filter((campaign) => {
      const passed = evaluateEligibilityRule(campaign.rule, facts);
      reasons.push({
        step: 'eligibility',
        campaign: campaign.key,
        passed,
        detail: passed ? 'eligibility rule passed' : 'eligibility rule did not pass',
      });
      return passed;
    });

    const candidates = await this.rankCandidates(eligible, features);
    const best = candidates[0];
    if (best === undefined) {
      return { decisionId: null, customerId, channel, campaign: null, arm: null, offer: null, score: null, message: null, reasons };
    }
    for (const candidate of candidates) {
      reasons.push({
        step: 'ranking',
        campaign: candidate.campaign.key,
        offer: candidate.offer.name,
        priority: candidate.campaign.priority,
        probability: candidate.score.probability,
        expectedValue: candidate.expectedValue,
        source: candidate.score.source,
        modelVersion: candidate.score.modelVersion,
      });
    }

    const { campaign, offer } = best;
    const arm = assignArm(campaign.holdoutGroup, customerId, campaign.holdoutShare);
    reasons.push({
      step: 'assignment',
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      holdoutShare: campaign.holdoutShare,
      position: holdoutPosition(campaign.holdoutGroup, customerId),
      arm,
    });

    const { decision, message } = await this.decisions.inTransaction(async (tx) => {
      const decision = await this.decisions.create(
        {
          customerId,
          campaignId: campaign.id,
          holdoutGroup: campaign.holdoutGroup,
          arm,
          // Control decisions keep the offer they would have received, for uplift per offer.
          offerId: offer.id,
          channel,
          score: best.score.probability,
          modelVersion: best.score.modelVersion,
          reasons,
          features: features as unknown as Record<string, unknown>,
          source: 'live',
          createdAt: now,
        },
        tx,
      );
      if (arm === 'control') {
        return { decision, message: null };
      }
      const message = await this.messages.create(
        {
          decisionId: decision.id,
          channelId: offer.channel.id,
          sendAt: now,
          payload: {
            decisionId: decision.id,
            customerId,
            campaign: campaign.key,
            channel,
            offer: { name: offer.name, content: offer.content, value: offer.value },
            customer: { id: customerId, attributes: customer.attributes as Prisma.InputJsonObject },
          },
        },
        tx,
      );
      return { decision, message };
    });

    this.logger.info({ decisionId: decision.id, campaign: campaign.key, arm, source: best.score.source }, 'Recorded a decision');
    return {
      decisionId: decision.id,
      customerId,
      channel,
      campaign: { key: campaign.key, name: campaign.name },
      arm,
      offer: arm === 'treatment' ? { name: offer.name, content: offer.content, value: offer.value } : null,
      score: {
        probability: best.score.probability,
        expectedValue: best.expectedValue,
        source: best.score.source,
        modelVersion: best.score.modelVersion,
      },
      message: message === null ? null : { id: message.id, sendAt: message.sendAt, status: message.status },
      reasons,
    };
  }

  private async requireChannel(name: string): Promise<void> {
    try {
      await this.channels.get(name);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw ValidationError.forField('query.channel', `no channel is named '${name}'; create it with POST /v1/admin/channels`);
      }
      throw error;
    }
  }

  private async rankCandidates(campaigns: ActiveCampaign[], features: DecisionFeatures): Promise<Candidate[]> {
    const pairs = campaigns.flatMap((campaign) => campaign.offers.map((offer) => ({ campaign, offer })));
    const scores = await this.propensity.scoreOffers([...new Set(pairs.map((pair) => pair.offer.id))], features);
    const scoreByOffer = new Map(scores.map((score) => [score.offerId, score]));
    const candidates = pairs.map(({ campaign, offer }) => {
      const score = scoreByOffer.get(offer.id)!;
      return { campaign, offer, score, expectedValue: score.probability * (offer.value > 0 ? offer.value : 1) };
    });
    return candidates.sort(
      (a, b) =>
        b.campaign.priority - a.campaign.priority ||
        b.expectedValue - a.expectedValue ||
        compareCodeUnits(a.campaign.key, b.campaign.key) ||
        compareCodeUnits(a.offer.name, b.offer.name),
    );
  }
}

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
