import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';

export type FeedbackGrouping = 'customer' | 'touchpoint' | 'journey';

export interface FeedbackGroupRow {
  group: string | null;
  consistent: number;
  inconsistent: number;
  notApplicable: number;
}

export interface EmotionSourceCounts {
  customers: number;
  withEmotion: number;
  bySource: Record<'text' | 'rating' | 'wait' | 'behaviour', number>;
  /** Customers with an emotion but no rating at all: they never answered a survey. */
  withoutFeedback: number;
}

const GROUP_COLUMNS: Record<FeedbackGrouping, Prisma.Sql> = {
  customer: Prisma.sql`customer_id`,
  touchpoint: Prisma.sql`touchpoint`,
  journey: Prisma.sql`journey`,
};

@Injectable()
export class FeedbackReportRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Counts of assessed feedback per group, groups with the most inconsistent feedback first. */
  async consistencyByGroup(grouping: FeedbackGrouping, limit: number): Promise<FeedbackGroupRow[]> {
    const column = GROUP_COLUMNS[grouping];
    const rows = await this.prisma.$queryRaw<Array<{ group_key: string | null; consistent: bigint; inconsistent: bigint; not_applicable: bigint }>>`
      SELECT ${column} AS group_key,
             count(*) FILTER (WHERE feedback_consistency = 'consistent') AS consistent,
             count(*) FILTER (WHERE feedback_consistency = 'inconsistent') AS inconsistent,
             count(*) FILTER (WHERE feedback_consistency = 'not-applicable') AS not_applicable
      FROM events
      WHERE feedback_consistency IS NOT NULL
      GROUP BY ${column}
      ORDER BY inconsistent DESC, group_key
      LIMIT ${limit}`;
    return rows.map((row) => ({
      group: row.group_key,
      consistent: Number(row.consistent),
      inconsistent: Number(row.inconsistent),
      notApplicable: Number(row.not_applicable),
    }));
  }

  async emotionSources(): Promise<EmotionSourceCounts> {
    const rows = await this.prisma.$queryRaw<
      Array<{ customers: bigint; with_emotion: bigint; text: bigint; rating: bigint; wait: bigint; behaviour: bigint; without_feedback: bigint }>
    >`
      WITH per_customer AS (
        SELECT customer_id,
               bool_or(cardinality(emotion_sources) > 0) AS has_emotion,
               bool_or('text' = ANY(emotion_sources)) AS text,
               bool_or('rating' = ANY(emotion_sources)) AS rating,
               bool_or('wait' = ANY(emotion_sources)) AS wait,
               bool_or('behaviour' = ANY(emotion_sources)) AS behaviour
        FROM events WHERE scored_at IS NOT NULL
        GROUP BY customer_id
      )
      SELECT count(*) AS customers,
             count(*) FILTER (WHERE has_emotion) AS with_emotion,
             count(*) FILTER (WHERE text) AS text,
             count(*) FILTER (WHERE rating) AS rating,
             count(*) FILTER (WHERE wait) AS wait,
             count(*) FILTER (WHERE behaviour) AS behaviour,
             count(*) FILTER (WHERE has_emotion AND NOT rating) AS without_feedback
      FROM per_customer`;
    const row = rows[0]!;
    return {
      customers: Number(row.customers),
      withEmotion: Number(row.with_emotion),
      bySource: { text: Number(row.text), rating: Number(row.rating), wait: Number(row.wait), behaviour: Number(row.behaviour) },
      withoutFeedback: Number(row.without_feedback),
    };
  }
}
