import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';

/** Per-arm aggregates over customers: each customer counts once, whatever their number of decisions. */
export interface ArmAggregate {
  customers: number;
  visitors: number;
  converters: number;
  /** Sum over customers of their conversion value. */
  spend: number;
  /** Sum over customers of their squared conversion value, for the variance. */
  spendSquares: number;
}

export interface CampaignAggregates {
  treatment: ArmAggregate;
  control: ArmAggregate;
  /** Customers found in both arms (after an edit of the split, say); left out of both. */
  crossovers: number;
}

const EMPTY: ArmAggregate = { customers: 0, visitors: 0, converters: 0, spend: 0, spendSquares: 0 };

@Injectable()
export class UpliftRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Treatment: customers with a treatment decision of the campaign. Control: customers
   * with a control decision in the campaign's holdout group, which other campaigns may
   * share. Outcomes count through the decisions that put the customer in the arm.
   */
  async aggregate(campaignId: string, holdoutGroup: string): Promise<CampaignAggregates> {
    const rows = await this.prisma.$queryRaw<
      Array<{ arm: string; customers: bigint; visitors: bigint; converters: bigint; spend: number | null; spend_squares: number | null }>
    >`
      WITH members AS (
        SELECT d.customer_id, d.arm, d.id AS decision_id
        FROM decisions d
        WHERE (d.campaign_id = ${campaignId}::uuid AND d.arm = 'treatment')
           OR (d.holdout_group = ${holdoutGroup} AND d.arm = 'control')
      ),
      arms AS (
        SELECT customer_id, CASE WHEN count(DISTINCT arm) > 1 THEN 'crossover' ELSE min(arm) END AS arm
        FROM members GROUP BY customer_id
      ),
      per_customer AS (
        SELECT a.customer_id, a.arm,
               bool_or(o.type = 'visit') AS visited,
               bool_or(o.type = 'conversion') AS converted,
               coalesce(sum(o.value) FILTER (WHERE o.type = 'conversion'), 0) AS spend
        FROM arms a
        JOIN members m ON m.customer_id = a.customer_id
        LEFT JOIN outcomes o ON o.decision_id = m.decision_id
        GROUP BY a.customer_id, a.arm
      )
      SELECT arm,
             count(*) AS customers,
             count(*) FILTER (WHERE visited) AS visitors,
             count(*) FILTER (WHERE converted) AS converters,
             sum(spend)::float8 AS spend,
             sum(spend * spend)::float8 AS spend_squares
      FROM per_customer GROUP BY arm`;

    const byArm = new Map(rows.map((row) => [row.arm, row]));
    const toAggregate = (arm: string): ArmAggregate => {
      const row = byArm.get(arm);
      if (row === undefined) {
        return { ...EMPTY };
      }
      return {
        customers: Number(row.customers),
        visitors: Number(row.visitors),
        converters: Number(row.converters),
        spend: row.spend ?? 0,
        spendSquares: row.spend_squares ?? 0,
      };
    };
    return {
      treatment: toAggregate('treatment'),
      control: toAggregate('control'),
      crossovers: Number(byArm.get('crossover')?.customers ?? 0),
    };
  }
}
