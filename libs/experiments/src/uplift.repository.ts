import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PRISMA, type PrismaClient } from '#wayline/database';

/** Per-arm aggregates over customers: each customer counts once, whatever their number of decisions. */
export interface ArmAggregate {
  customers: number;
  visitors: number;
  converters: number;
  /** Sum over customers of their conversion value. */
  spend: number;
  /** Sum over customers of their squared conversion value, for the variance. */
  spendSquares: number;
  /** Customers held out by the global control group rather than by the campaign's own split. */
  globalControl: number;
  /** Sum of the holdout shares stored at the customers' first assignment, over `assigned` customers. */
  storedShareSum: number;
  /** Customers with a stored assignment in the campaign's holdout group. */
  assigned: number;
}

export interface CampaignAggregates {
  treatment: ArmAggregate;
  control: ArmAggregate;
  /** Customers found in both arms (for example after the global control group was turned on); left out of both. */
  crossovers: number;
}

/** Attribute that an uplift report can be broken down by. */
export type UpliftDimension = 'segment' | 'stage' | 'emotion' | 'offer';

/** One customer of a report with the days (UTC, YYYY-MM-DD) of their first membership, visit and conversion. */
export interface CustomerTimeline {
  customerId: string;
  arm: 'treatment' | 'control';
  joinedDay: string;
  visitDay: string | null;
  conversionDay: string | null;
}

/** Conversion value of one customer on one day (UTC). */
export interface DailySpend {
  customerId: string;
  day: string;
  value: number;
}

const EMPTY: ArmAggregate = {
  customers: 0,
  visitors: 0,
  converters: 0,
  spend: 0,
  spendSquares: 0,
  globalControl: 0,
  storedShareSum: 0,
  assigned: 0,
};

/**
 * SQL of each breakdown dimension, evaluated per customer (`p`) on the columns of their first
 * membership decision (`first_offer_id`, `first_features`, `first_reasons`). Stage and emotion
 * are the customer's state at that decision.
 */
const DIMENSION_SQL: Record<UpliftDimension | 'none', Prisma.Sql> = {
  none: Prisma.sql`NULL::text`,
  segment: Prisma.sql`(SELECT c.attributes->>'segment' FROM customers c WHERE c.id = p.customer_id)`,
  stage: Prisma.sql`p.first_features->>'stage'`,
  emotion: Prisma.sql`(SELECT r->>'emotion' FROM jsonb_array_elements(p.first_reasons) r WHERE r->>'step' = 'assignment' LIMIT 1)`,
  offer: Prisma.sql`(SELECT name FROM offers WHERE id = p.first_offer_id)`,
};

type AggregateRow = {
  dimension: string | null;
  arm: string;
  customers: bigint;
  visitors: bigint;
  converters: bigint;
  spend: number | null;
  spend_squares: number | null;
  global_control: bigint;
  stored_share_sum: number | null;
  assigned: bigint;
};

@Injectable()
export class UpliftRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Aggregates both arms of a campaign over all its customers. */
  async aggregate(campaignId: string, holdoutGroup: string): Promise<CampaignAggregates> {
    const rows = await this.aggregateRows(campaignId, holdoutGroup, 'none');
    return toCampaignAggregates(rows);
  }

  /** Aggregates both arms per value of `dimension`; customers without a value are under 'unknown'. */
  async aggregateBy(campaignId: string, holdoutGroup: string, dimension: UpliftDimension): Promise<Map<string, CampaignAggregates>> {
    const rows = await this.aggregateRows(campaignId, holdoutGroup, dimension);
    const byValue = new Map<string, AggregateRow[]>();
    for (const row of rows) {
      const value = row.dimension ?? 'unknown';
      const group = byValue.get(value);
      if (group === undefined) {
        byValue.set(value, [row]);
      } else {
        group.push(row);
      }
    }
    const values = [...byValue.keys()].sort();
    return new Map(values.map((value) => [value, toCampaignAggregates(byValue.get(value)!)]));
  }

  /**
   * Treatment: customers with a treatment decision of the campaign. Control: customers
   * with a control decision in the campaign's holdout group, which other campaigns may
   * share. Outcomes count through the decisions that put the customer in the arm.
   *
   * Each decision's outcomes are looked up by the (decision_id, type) index, and customers are
   * formed by one GROUP BY, so the plan has no join between CTEs. Such a join made PGlite pick
   * a nested loop over 42,000 × 42,000 rows on the Hillstrom data.
   */
  private aggregateRows(campaignId: string, holdoutGroup: string, dimension: UpliftDimension | 'none'): Promise<AggregateRow[]> {
    const firstDecision = dimension === 'none'
      ? Prisma.empty
      : Prisma.sql`,
               (array_agg(offer_id ORDER BY created_at, decision_id))[1] AS first_offer_id,
               (array_agg(features ORDER BY created_at, decision_id))[1] AS first_features,
               (array_agg(reasons ORDER BY created_at, decision_id))[1] AS first_reasons`;
    return this.prisma.$queryRaw<AggregateRow[]>`
      WITH members AS (
        SELECT d.customer_id, d.arm, d.id AS decision_id, d.created_at, d.offer_id, d.features, d.reasons,
               EXISTS (SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'visit') AS visited,
               EXISTS (SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS converted,
               (SELECT coalesce(sum(o.value), 0) FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS spend
        FROM decisions d
        WHERE (d.campaign_id = ${campaignId}::uuid AND d.arm = 'treatment')
           OR (d.holdout_group = ${holdoutGroup} AND d.arm = 'control')
      ),
      per_customer AS (
        SELECT customer_id,
               CASE WHEN count(DISTINCT arm) > 1 THEN 'crossover' ELSE min(arm) END AS arm,
               bool_or(reasons @> '[{"step": "assignment", "globalControl": true}]'::jsonb) AS global_control,
               bool_or(visited) AS visited,
               bool_or(converted) AS converted,
               sum(spend) AS spend
               ${firstDecision}
        FROM members GROUP BY customer_id
      ),
      described AS (
        SELECT p.*, ${DIMENSION_SQL[dimension]} AS dimension,
               (SELECT ha.holdout_share FROM holdout_assignments ha
                WHERE ha.holdout_group = ${holdoutGroup} AND ha.customer_id = p.customer_id) AS stored_share
        FROM per_customer p
      )
      SELECT dimension,
             arm,
             count(*) AS customers,
             count(*) FILTER (WHERE visited) AS visitors,
             count(*) FILTER (WHERE converted) AS converters,
             sum(spend)::float8 AS spend,
             sum(spend * spend)::float8 AS spend_squares,
             count(*) FILTER (WHERE global_control) AS global_control,
             sum(stored_share) FILTER (WHERE NOT global_control)::float8 AS stored_share_sum,
             count(stored_share) FILTER (WHERE NOT global_control) AS assigned
      FROM described
      GROUP BY dimension, arm`;
  }

  /**
   * Lists the report's customers (crossovers left out) with the days of their membership and
   * first outcomes, and the conversion value per customer and day. Spend of crossover
   * customers is listed too, and the caller drops it with them.
   */
  async timelines(campaignId: string, holdoutGroup: string): Promise<{ customers: CustomerTimeline[]; spend: DailySpend[] }> {
    const membership = Prisma.sql`
      (d.campaign_id = ${campaignId}::uuid AND d.arm = 'treatment') OR (d.holdout_group = ${holdoutGroup} AND d.arm = 'control')`;
    const customers = await this.prisma.$queryRaw<
      Array<{ customer_id: string; arm: string; joined_day: string; visit_day: string | null; conversion_day: string | null }>
    >`
      WITH members AS (
        SELECT d.customer_id, d.arm, d.created_at,
               (SELECT min(o.occurred_at) FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'visit') AS visited_at,
               (SELECT min(o.occurred_at) FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS converted_at
        FROM decisions d
        WHERE ${membership}
      )
      SELECT customer_id, min(arm) AS arm,
             to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS joined_day,
             to_char(min(visited_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS visit_day,
             to_char(min(converted_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS conversion_day
      FROM members
      GROUP BY customer_id
      HAVING count(DISTINCT arm) = 1`;
    const spend = await this.prisma.$queryRaw<Array<{ customer_id: string; day: string; value: number }>>`
      SELECT d.customer_id, to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(o.value)::float8 AS value
      FROM decisions d
      JOIN outcomes o ON o.decision_id = d.id AND o.type = 'conversion' AND o.value IS NOT NULL
      WHERE ${membership}
      GROUP BY 1, 2`;
    return {
      customers: customers.map((row) => ({
        customerId: row.customer_id,
        arm: row.arm as 'treatment' | 'control',
        joinedDay: row.joined_day,
        visitDay: row.visit_day,
        conversionDay: row.conversion_day,
      })),
      spend: spend.map((row) => ({ customerId: row.customer_id, day: row.day, value: row.value })),
    };
  }
}

function toCampaignAggregates(rows: readonly AggregateRow[]): CampaignAggregates {
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
      globalControl: Number(row.global_control),
      storedShareSum: row.stored_share_sum ?? 0,
      assigned: Number(row.assigned),
    };
  };
  return {
    treatment: toAggregate('treatment'),
    control: toAggregate('control'),
    crossovers: Number(byArm.get('crossover')?.customers ?? 0),
  };
}
