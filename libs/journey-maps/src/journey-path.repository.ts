import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';
import type { AnalyticsScope } from './analytics-scope.ts';
import { collapsedPathsSql, scopedEventsCte, windowCondition } from './scoped-events.sql.ts';

export interface PathCountRow {
  stages: string[];
  customers: number;
  converted: number;
}

export interface TopPathsResult {
  paths: PathCountRow[];
  /** Customers with at least one event in scope. */
  customers: number;
  distinctPaths: number;
}

/** Customers by the first two stages of their path; `secondStage` is null for one-stage paths. */
export interface RouteHeadRow {
  firstStage: string;
  secondStage: string | null;
  customers: number;
  converted: number;
}

@Injectable()
export class JourneyPathRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Returns the `limit` most common paths, most customers first, then by stage names. */
  async findTopPaths(scope: AnalyticsScope, limit: number): Promise<TopPathsResult> {
    const rows = await this.prisma.$queryRaw<
      Array<{ stages: string[]; customers: number; converted: number; total_customers: number; distinct_paths: number }>
    >`
      WITH ${this.pathsWithConversion(scope)}
      SELECT stages,
             count(*)::int AS customers,
             (count(*) FILTER (WHERE converted))::int AS converted,
             (sum(count(*)) OVER ())::int AS total_customers,
             (count(*) OVER ())::int AS distinct_paths
      FROM flagged_paths
      GROUP BY stages
      ORDER BY customers DESC, array_to_string(stages, ' ') COLLATE "C"
      LIMIT ${limit}`;
    return {
      paths: rows.map((row) => ({ stages: row.stages, customers: Number(row.customers), converted: Number(row.converted) })),
      customers: rows.length === 0 ? 0 : Number(rows[0]!.total_customers),
      distinctPaths: rows.length === 0 ? 0 : Number(rows[0]!.distinct_paths),
    };
  }

  async countRouteHeads(scope: AnalyticsScope): Promise<RouteHeadRow[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ first_stage: string; second_stage: string | null; customers: number; converted: number }>
    >`
      WITH ${this.pathsWithConversion(scope)}
      SELECT stages[1] AS first_stage, stages[2] AS second_stage,
             count(*)::int AS customers,
             (count(*) FILTER (WHERE converted))::int AS converted
      FROM flagged_paths
      GROUP BY stages[1], stages[2]`;
    return rows.map((row) => ({
      firstStage: row.first_stage,
      secondStage: row.second_stage,
      customers: Number(row.customers),
      converted: Number(row.converted),
    }));
  }

  /**
   * WITH items that define `flagged_paths`: each customer's collapsed path and whether they
   * converted inside the window, on any journey: an event at stage `purchase` or of type
   * `purchase`, or a `conversion` outcome.
   */
  private pathsWithConversion(scope: AnalyticsScope): Prisma.Sql {
    return Prisma.sql`
      ${scopedEventsCte(scope)},
      flagged_paths AS (
        SELECT p.customer_id, p.stages,
               (
                 EXISTS (
                   SELECT 1 FROM events later
                   WHERE later.customer_id = p.customer_id AND later.scored_at IS NOT NULL
                     AND (later.stage = 'purchase' OR later.type = 'purchase') ${windowCondition(scope, 'later')}
                 )
                 OR EXISTS (
                   SELECT 1 FROM outcomes o
                   WHERE o.customer_id = p.customer_id AND o.type = 'conversion' ${windowCondition(scope, 'o')}
                 )
               ) AS converted
        FROM ${collapsedPathsSql('scoped')} AS p
      )`;
  }
}
