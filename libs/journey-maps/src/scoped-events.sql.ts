import { Prisma } from '#wayline/database';
import type { AnalyticsScope } from './analytics-scope.ts';

/**
 * SQL fragments shared by the map, pain point and path queries. Every value is a bound
 * parameter; only the table aliases below, which are constants, are spliced in raw.
 */

type Alias = 'e' | 'later' | 'o';

/** `AND <alias>.occurred_at` within the scope's window, or nothing when the window is open. */
export function windowCondition(scope: AnalyticsScope, alias: Alias): Prisma.Sql {
  const column = Prisma.raw(`${alias}.occurred_at`);
  const conditions: Prisma.Sql[] = [];
  if (scope.from !== null) {
    conditions.push(Prisma.sql`AND ${column} >= ${scope.from}`);
  }
  if (scope.to !== null) {
    conditions.push(Prisma.sql`AND ${column} < ${scope.to}`);
  }
  return conditions.length === 0 ? Prisma.empty : Prisma.join(conditions, ' ');
}

/**
 * Subquery with one row per customer of `source` and `stages`, the stages of the customer's
 * events in time order (then arrival order) with consecutive repeats collapsed.
 */
export function collapsedPathsSql(source: 'journey_events' | 'scoped'): Prisma.Sql {
  return Prisma.sql`(
    SELECT customer_id, array_agg(stage ORDER BY occurred_at, sequence) AS stages
    FROM (
      SELECT customer_id, stage, occurred_at, sequence,
             lag(stage) OVER (PARTITION BY customer_id ORDER BY occurred_at, sequence) AS previous_stage
      FROM ${Prisma.raw(source)}
    ) AS steps
    WHERE previous_stage IS NULL OR previous_stage <> stage
    GROUP BY customer_id
  )`;
}

/**
 * Items of a WITH clause that define `scoped`: the scored events placed on the scope's
 * journey, inside its window, of customers in its segment and, when the scope has a route,
 * of customers whose collapsed path starts with that route.
 */
export function scopedEventsCte(scope: AnalyticsScope): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`e.journey = ${scope.journey}`, Prisma.sql`e.scored_at IS NOT NULL`];
  if (scope.segment.length > 0) {
    // ->> gives the attribute as text, so numbers and booleans compare by their JSON text.
    const matches = scope.segment.map((condition) => Prisma.sql`c.attributes ->> ${condition.attribute} = ${condition.value}`);
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM customers c WHERE c.id = e.customer_id AND ${Prisma.join(matches, ' AND ')})`,
    );
  }

  const routeFilter =
    scope.route === undefined
      ? Prisma.empty
      : Prisma.sql`WHERE customer_id IN (
          SELECT customer_id FROM ${collapsedPathsSql('journey_events')} AS paths
          WHERE paths.stages[1:2] = ${[scope.route.firstStage, scope.route.secondStage]}::text[]
        )`;

  return Prisma.sql`
    journey_events AS (
      SELECT e.customer_id, e.type, e.touchpoint, e.stage, e.valence, e.emotion_label, e.wait_seconds,
             e.occurred_at, e.sequence
      FROM events e
      WHERE ${Prisma.join(conditions, ' AND ')} ${windowCondition(scope, 'e')}
    ),
    scoped AS (SELECT * FROM journey_events ${routeFilter})`;
}
