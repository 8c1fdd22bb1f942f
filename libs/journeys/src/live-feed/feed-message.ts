import type { EmotionLabel } from '../scoring/index.ts';

/** Live-store channel that carries scored events and state changes to every API replica. */
export const FEED_CHANNEL = 'feed';

/**
 * An event as the scorer saw it. Texts and attributes stay out of the feed: it is for
 * dashboards, and those fields are personal data.
 */
export interface EventScoredMessage {
  kind: 'event.scored';
  customerId: string;
  eventId: string;
  occurredAt: string;
  type: string;
  touchpoint: string;
  channel: string;
  journey: string | null;
  stage: string;
  emotion: { sentiment: number | null; valence: number | null; label: string | null };
}

/** A change of the customer's stage or emotion label caused by a scoring pass. */
export interface CustomerChangedMessage {
  kind: 'customer.changed';
  customerId: string;
  journey: string | null;
  stage: { from: string | null; to: string | null };
  emotion: { from: EmotionLabel | null; to: EmotionLabel | null; valence: number | null };
  engagement: number;
  at: string;
}

export type FeedMessage = EventScoredMessage | CustomerChangedMessage;
