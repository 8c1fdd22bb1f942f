import { z } from 'zod';
import { customerIdSchema } from '#wayline/common';
import { EMOTION_LABELS } from '../scoring/index.ts';
import type { FeedMessage } from './feed-message.ts';

export const feedQuerySchema = z.strictObject({
  customer: customerIdSchema.optional(),
  journey: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a journey key: lowercase letters, digits, "_" or "-"').optional(),
  emotion: z.enum(EMOTION_LABELS, { message: `must be one of ${EMOTION_LABELS.join(', ')}` }).optional(),
});

export type FeedFilter = z.output<typeof feedQuerySchema>;

/** True when the message matches every filter that is set. */
export function matchesFeedFilter(message: FeedMessage, filter: FeedFilter): boolean {
  if (filter.customer !== undefined && message.customerId !== filter.customer) {
    return false;
  }
  if (filter.journey !== undefined && message.journey !== filter.journey) {
    return false;
  }
  if (filter.emotion !== undefined) {
    const label = message.kind === 'event.scored' ? message.emotion.label : message.emotion.to;
    if (label !== filter.emotion) {
      return false;
    }
  }
  return true;
}
