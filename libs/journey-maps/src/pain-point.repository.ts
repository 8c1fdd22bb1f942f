import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';
import type { AnalyticsScope } from './analytics-scope.ts';
import { scopedEventsCte, windowCondition } from './scoped-events.sql.ts';

/**
 * Valence bounds of a bad and a good experience. They are the emotion label cut points, so
 * a bad experience is a frustrated or angry event and a good one a satisfied or delighted one.
 */
export const BAD_EXPERIENCE_AT_MOST = -0.25;
export const GOOD_EXPERIENCE_AT_LEAST = 0.25;

/** Customers of one touchpoint with one kind of experience, and what happened to them later. */
export interface ExperienceCountRow {
  touchpoint: string;
  experience: 'bad' | 'good';
  customers: number;
  converted: number;
  churned: number;
}

interface RawExperienceCountRow {
  touchpoint: string;
  bad: boolean;
  customers: number;
  converted: number;
  churned: number;
}

@Injectable()
export class PainPointRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Counts, per touchpoint, the customers whose first clearly bad or clearly good event there
   * (in scope, in (occurred_at, sequence) order) was bad or good, and how many of each later
   * converted or churned. Later means after that event and inside the window, across all of
   * the customer's scored events, on any journey:
   * - converted: an event of type `purchase`, or a `conversion` outcome with a later occurred_at;
   * - churned: an event at stage `churn-risk` or of type `cancellation`.
   */
  async countExperiences(scope: AnalyticsScope): Promise<ExperienceCountRow[]> {
    const rows = await this.prisma.$queryRaw<RawExperienceCountRow[]>`
      WITH ${scopedEventsCte(scope)},
      decisive AS (
        SELECT DISTINCT ON (customer_id, touchpoint) customer_id, touchpoint, valence, occurred_at, sequence
        FROM scoped
        WHERE valence <= ${BAD_EXPERIENCE_AT_MOST}::float8 OR valence >= ${GOOD_EXPERIENCE_AT_LEAST}::float8
        ORDER BY customer_id, touchpoint, occurred_at, sequence
      ),
      flagged AS (
        SELECT d.touchpoint,
               d.valence <= ${BAD_EXPERIENCE_AT_MOST}::float8 AS bad,
               (
                 EXISTS (
                   SELECT 1 FROM events later
                   WHERE later.customer_id = d.customer_id AND later.scored_at IS NOT NULL AND later.type = 'purchase'
                     AND (later.occurred_at, later.sequence) > (d.occurred_at, d.sequence) ${windowCondition(scope, 'later')}
                 )
                 OR EXISTS (
                   SELECT 1 FROM outcomes o
                   WHERE o.customer_id = d.customer_id AND o.type = 'conversion' AND o.occurred_at > d.occurred_at
                     ${windowCondition(scope, 'o')}
                 )
               ) AS converted,
               EXISTS (
                 SELECT 1 FROM events later
                 WHERE later.customer_id = d.customer_id AND later.scored_at IS NOT NULL
                   AND (later.stage = 'churn-risk' OR later.type = 'cancellation')
                   AND (later.occurred_at, later.sequence) > (d.occurred_at, d.sequence) ${windowCondition(scope, 'later')}
               ) AS churned
        FROM decisive d
      )
      SELECT touchpoint, bad,
             count(*)::int AS customers,
             (count(*) FILTER (WHERE converted))::int AS converted,
             (count(*) FILTER (WHERE churned))::int AS churned
      FROM flagged
      GROUP BY touchpoint, bad`;

    return rows.map((row) => ({
      touchpoint: row.touchpoint,
      experience: row.bad ? 'bad' : 'good',
      customers: Number(row.customers),
      converted: Number(row.converted),
      churned: Number(row.churned),
    }));
  }
}
