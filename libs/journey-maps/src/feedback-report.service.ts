import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { parseInput } from '#wayline/common';
import { FeedbackReportRepository } from './feedback-report.repository.ts';

export const feedbackConsistencyQuerySchema = z.strictObject({
  by: z.enum(['customer', 'touchpoint', 'journey'], { message: 'must be customer, touchpoint or journey' }).default('touchpoint'),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});

/** consistent / (consistent + inconsistent); null when no feedback could be judged. */
function consistencyRate(consistent: number, inconsistent: number): number | null {
  const judged = consistent + inconsistent;
  return judged === 0 ? null : consistent / judged;
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

@Injectable()
export class FeedbackReportService {
  constructor(@Inject(FeedbackReportRepository) private readonly reports: FeedbackReportRepository) {}

  /**
   * Consistency of rated feedback per customer, touchpoint or journey. Feedback that
   * could not be judged (no text or behaviour to compare with) is counted apart and
   * left out of the rate.
   */
  async consistency(query: unknown) {
    const { by, limit } = parseInput(feedbackConsistencyQuerySchema, query, 'query');
    const rows = await this.reports.consistencyByGroup(by, limit);
    return {
      by,
      groups: rows.map((row) => ({ ...row, consistencyRate: consistencyRate(row.consistent, row.inconsistent) })),
    };
  }

  /** Share of customers whose emotion rests on each kind of evidence. */
  async emotionSources() {
    const counts = await this.reports.emotionSources();
    return {
      customers: counts.customers,
      withEmotion: counts.withEmotion,
      shareWithEmotion: share(counts.withEmotion, counts.customers),
      shareBySource: {
        text: share(counts.bySource.text, counts.customers),
        rating: share(counts.bySource.rating, counts.customers),
        wait: share(counts.bySource.wait, counts.customers),
        behaviour: share(counts.bySource.behaviour, counts.customers),
      },
      counts: counts.bySource,
      /** Customers who never gave a rating but still have an emotion from other evidence. */
      shareWithEmotionWithoutFeedback: share(counts.withoutFeedback, counts.customers),
    };
  }
}
