import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';

/** The latest decision of a customer on a channel, with what a platform needs to render it. */
export interface LatestDecision {
  id: string;
  arm: string;
  createdAt: Date;
  campaign: { key: string; name: string } | null;
  offer: { name: string; content: Prisma.JsonValue; value: number } | null;
}

@Injectable()
export class PlatformOfferRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Served by the index on (customer_id, created_at): a customer has few decisions. */
  findLatestDecision(customerId: string, channel: string): Promise<LatestDecision | null> {
    return this.prisma.decision.findFirst({
      where: { customerId, channel, campaignId: { not: null } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: {
        id: true,
        arm: true,
        createdAt: true,
        campaign: { select: { key: true, name: true } },
        offer: { select: { name: true, content: true, value: true } },
      },
    });
  }
}
