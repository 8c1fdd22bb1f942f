import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';
import type { AnalyticsScope } from './analytics-scope.ts';
import { scopedEventsCte } from './scoped-events.sql.ts';

/** Emotion labels that count as a negative experience. */
export const NEGATIVE_EMOTION_LABELS = ['frustrated', 'angry'] as const;

/**
 * Aggregates of one map row. `level` is the grouping: `cell` for a stage and touchpoint,
 * `stage` for a whole stage (touchpoint null), `total` for the whole journey (both null).
 */
export interface MapMeasureRow {
  level: 'cell' | 'stage' | 'total';
  stage: string | null;
  touchpoint: string | null;
  events: number;
  customers: number;
  meanValence: number | null;
  negativeEvents: number;
  labelledEvents: number;
  waitP50: number | null;
  waitP90: number | null;
  /** Customers of the cell or stage who later reached a later stage; null for the total. */
  converted: number | null;
}

interface RawMeasureRow {
  grouping_level: number;
  stage: string | null;
  touchpoint: string | null;
  events: number;
  customers: number;
  mean_valence: number | null;
  negative_events: number;
  labelled_events: number;
  wait_p50: number | null;
  wait_p90: number | null;
  converted: number | null;
}

@Injectable()
export class JourneyMapRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Computes the map's measures in one statement, per cell, per stage and for the journey.
   *
   * Conversion of a cell: a customer of the cell converted when one of their events in
   * scope at a later stage of the journey comes after their first event in the cell, in
   * (occurred_at, sequence) order. It is enough to compare with the customer's latest event
   * at each later stage. A customer converted from a stage when they converted from any of
   * its cells, because the first event in the stage is the earliest of the cells' first events.
   */
  async findMeasures(scope: AnalyticsScope): Promise<MapMeasureRow[]> {
    const rows = await this.prisma.$queryRaw<RawMeasureRow[]>`
      WITH ${scopedEventsCte(scope)},
      stage_order AS (
        SELECT key, position FROM unnest(${scope.stageKeys}::text[]) WITH ORDINALITY AS t(key, position)
      ),
      placed AS (
        SELECT s.*, o.position FROM scoped s LEFT JOIN stage_order o ON o.key = s.stage
      ),
      entries AS (
        SELECT DISTINCT ON (customer_id, stage, touchpoint) customer_id, stage, touchpoint, position, occurred_at, sequence
        FROM placed
        ORDER BY customer_id, stage, touchpoint, occurred_at, sequence
      ),
      latest_by_position AS (
        SELECT DISTINCT ON (customer_id, position) customer_id, position, occurred_at, sequence
        FROM placed
        WHERE position IS NOT NULL
        ORDER BY customer_id, position, occurred_at DESC, sequence DESC
      ),
      converted_entries AS (
        -- EXISTS in WHERE, not in the select list, so PostgreSQL plans it as one semi-join
        -- instead of a scan of latest_by_position per entry.
        SELECT n.customer_id, n.stage, n.touchpoint
        FROM entries n
        WHERE EXISTS (
          SELECT 1 FROM latest_by_position l
          WHERE l.customer_id = n.customer_id AND l.position > n.position
            AND (l.occurred_at, l.sequence) > (n.occurred_at, n.sequence)
        )
      ),
      entry_flags AS (
        SELECT n.customer_id, n.stage, n.touchpoint, c.customer_id IS NOT NULL AS converted
        FROM entries n
        LEFT JOIN converted_entries c
          ON c.customer_id = n.customer_id AND c.stage = n.stage AND c.touchpoint = n.touchpoint
      ),
      measures AS (
        SELECT stage, touchpoint, GROUPING(stage, touchpoint) AS grouping_level,
               count(*)::int AS events,
               count(DISTINCT customer_id)::int AS customers,
               avg(valence) AS mean_valence,
               (count(*) FILTER (WHERE emotion_label = ANY(${[...NEGATIVE_EMOTION_LABELS]}::text[])))::int AS negative_events,
               count(emotion_label)::int AS labelled_events,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_seconds) AS wait_p50,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_seconds) AS wait_p90
        FROM placed
        GROUP BY GROUPING SETS ((stage, touchpoint), (stage), ())
      ),
      cell_conversions AS (
        SELECT stage, touchpoint, (count(*) FILTER (WHERE converted))::int AS converted
        FROM entry_flags
        GROUP BY stage, touchpoint
      ),
      stage_conversions AS (
        SELECT stage, (count(*) FILTER (WHERE converted))::int AS converted
        FROM (SELECT customer_id, stage, bool_or(converted) AS converted FROM entry_flags GROUP BY customer_id, stage) AS per_customer
        GROUP BY stage
      )
      SELECT m.grouping_level, m.stage, m.touchpoint, m.events, m.customers, m.mean_valence,
             m.negative_events, m.labelled_events, m.wait_p50, m.wait_p90,
             COALESCE(cc.converted, sc.converted) AS converted
      FROM measures m
      LEFT JOIN cell_conversions cc ON m.grouping_level = 0 AND cc.stage = m.stage AND cc.touchpoint = m.touchpoint
      LEFT JOIN stage_conversions sc ON m.grouping_level = 1 AND sc.stage = m.stage`;

    return rows.map((row) => ({
      level: levelOf(Number(row.grouping_level)),
      stage: row.stage,
      touchpoint: row.touchpoint,
      events: Number(row.events),
      customers: Number(row.customers),
      meanValence: row.mean_valence === null ? null : Number(row.mean_valence),
      negativeEvents: Number(row.negative_events),
      labelledEvents: Number(row.labelled_events),
      waitP50: row.wait_p50 === null ? null : Number(row.wait_p50),
      waitP90: row.wait_p90 === null ? null : Number(row.wait_p90),
      converted: row.converted === null ? null : Number(row.converted),
    }));
  }
}

/** GROUPING(stage, touchpoint) sets bit 0 when touchpoint is aggregated and bit 1 for stage. */
function levelOf(groupingLevel: number): MapMeasureRow['level'] {
  if (groupingLevel === 0) {
    return 'cell';
  }
  return groupingLevel === 1 ? 'stage' : 'total';
}
