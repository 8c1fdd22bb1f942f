import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';

/** A customer whose latest decision in the campaign is treatment. */
export interface AudienceMember {
  customerId: string;
  decisionId: string;
  decidedAt: Date;
  attributes: Prisma.JsonValue;
}

interface MemberRow {
  customer_id: string;
  decision_id: string;
  created_at: Date;
  attributes: Prisma.JsonValue;
}

@Injectable()
export class AudienceRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  findCampaignId(key: string): Promise<{ id: string } | null> {
    return this.prisma.campaign.findUnique({ where: { key }, select: { id: true } });
  }

  /**
   * Returns up to `limit` members in customer id order, after `afterCustomerId`. Only
   * each customer's latest decision in the campaign counts, so a customer moved to
   * control later is left out. The index on (campaign_id, customer_id, created_at)
   * serves the scan in this order, so a page reads about as many decisions as it returns
   * plus the customers' older decisions.
   */
  async listTreatmentPage(campaignId: string, afterCustomerId: string | null, limit: number): Promise<AudienceMember[]> {
    const rows = await this.prisma.$queryRaw<MemberRow[]>`
      SELECT latest.customer_id, latest.id::text AS decision_id, latest.created_at, customer.attributes
      FROM (
        SELECT DISTINCT ON (decision.customer_id) decision.customer_id, decision.id, decision.arm, decision.created_at
        FROM decisions AS decision
        WHERE decision.campaign_id = ${campaignId}::uuid
          AND decision.customer_id > ${afterCustomerId ?? ''}
        ORDER BY decision.customer_id, decision.created_at DESC, decision.id DESC
      ) AS latest
      JOIN customers AS customer ON customer.id = latest.customer_id
      WHERE latest.arm = 'treatment'
      ORDER BY latest.customer_id
      LIMIT ${limit}::int`;
    return rows.map((row) => ({
      customerId: row.customer_id,
      decisionId: row.decision_id,
      decidedAt: new Date(row.created_at),
      attributes: row.attributes,
    }));
  }
}
