import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, parseInput, uuidSchema } from '#wayline/common';
import { PRISMA, type PrismaClient } from '#wayline/database';

export const decisionIdSchema = uuidSchema('a decision id');

/**
 * A stored decision as `GET /v1/decisions/{decisionId}` returns it. The names follow the
 * next-best-offer response (NextBestOfferResult), so a caller reads both the same way.
 */
export interface StoredDecisionView {
  id: string;
  /** As stored: after a privacy erasure this is the pseudonym (`erased-…`), not the original id. */
  customerId: string;
  createdAt: Date;
  /** `live` for next-best-offer decisions, `import` for decisions loaded from another system. */
  source: string;
  /** Null only for a control decision that an import made for a whole holdout group. */
  campaign: { key: string; name: string } | null;
  holdoutGroup: string;
  arm: string;
  /**
   * Offer the decision is about. Unlike the next-best-offer response, a control decision
   * names its offer too, because uplift per offer compares the customers it was held back
   * from. Content and value are left out, because the catalog may have changed them since.
   */
  offer: { name: string } | null;
  channel: string | null;
  /** Score of the offer as recorded. Imports record fewer fields, and the missing ones are null. */
  score: {
    probability: number | null;
    uplift: number | null;
    source: string | null;
    modelVersion: string | null;
    upliftModelVersion: string | null;
    explorationProbability: number | null;
  };
  /** Features the model saw. Erasure empties their `attributes`. */
  features: unknown;
  /** Steps of the decision, as the next-best-offer response listed them. */
  reasons: unknown;
  /** Outreach message of a treatment decision, or null for control decisions and imports. */
  message: StoredDecisionMessage | null;
}

/** Outreach message of a decision, without its payload (rendered content and recipient). */
export interface StoredDecisionMessage {
  id: string;
  status: string;
  /** Reason the message was cancelled or skipped, or null. */
  statusReason: string | null;
  sendAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
  sendTimeReason: unknown;
}

const decisionSelect = {
  id: true,
  customerId: true,
  createdAt: true,
  source: true,
  holdoutGroup: true,
  arm: true,
  channel: true,
  score: true,
  uplift: true,
  scoreSource: true,
  modelVersion: true,
  upliftModelVersion: true,
  explorationProbability: true,
  features: true,
  reasons: true,
  campaign: { select: { key: true, name: true } },
  offer: { select: { name: true } },
  message: {
    select: { id: true, status: true, statusReason: true, sendAt: true, sentAt: true, attempts: true, lastError: true, sendTimeReason: true },
  },
} as const;

/** Read access to stored decisions, so marketers and analysts can audit why a customer got an offer. */
@Injectable()
export class DecisionQueryService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Reads one decision with its message, or throws NotFoundError for an unknown id. */
  async get(decisionId: string): Promise<StoredDecisionView> {
    parseInput(decisionIdSchema, decisionId, 'path.decisionId');
    const row = await this.prisma.decision.findUnique({ where: { id: decisionId }, select: decisionSelect });
    if (row === null) {
      throw new NotFoundError('Decision', decisionId);
    }
    return {
      id: row.id,
      customerId: row.customerId,
      createdAt: row.createdAt,
      source: row.source,
      campaign: row.campaign,
      holdoutGroup: row.holdoutGroup,
      arm: row.arm,
      offer: row.offer,
      channel: row.channel,
      score: {
        probability: row.score,
        uplift: row.uplift,
        source: row.scoreSource,
        modelVersion: row.modelVersion,
        upliftModelVersion: row.upliftModelVersion,
        explorationProbability: row.explorationProbability,
      },
      features: row.features,
      reasons: row.reasons,
      message: row.message,
    };
  }
}
