import type { ScoredBatch } from '../customer-journey.repository.ts';
import { currentEmotion, engagementScore, type ScoringSettings } from '../scoring/index.ts';
import type { FeedMessage } from './feed-message.ts';

/**
 * Feed messages for one committed scoring pass: one per scored event, plus one
 * `customer.changed` when the pass moved the customer's stage or emotion label.
 */
export function buildFeedMessages(batch: ScoredBatch, now: Date, settings: ScoringSettings): FeedMessage[] {
  const { customerId } = batch;
  const scoresById = new Map(batch.result.events.map((event) => [event.id, event]));
  const messages: FeedMessage[] = batch.events.map((event) => {
    const score = scoresById.get(event.id);
    return {
      kind: 'event.scored',
      customerId,
      eventId: event.id,
      occurredAt: event.occurredAt.toISOString(),
      type: event.type,
      touchpoint: event.touchpoint,
      channel: event.channel,
      journey: score?.journey ?? null,
      stage: score?.stage ?? '',
      emotion: { sentiment: score?.sentiment ?? null, valence: score?.valence ?? null, label: score?.label ?? null },
    };
  });

  const before = currentEmotion(batch.previous, now, settings);
  const after = currentEmotion(batch.result.state, now, settings);
  if (batch.previous.stage !== batch.result.state.stage || before.label !== after.label) {
    // The journey of the latest event in the pass that was placed on one.
    const journey = batch.result.events.findLast((event) => event.journey !== null)?.journey ?? null;
    messages.push({
      kind: 'customer.changed',
      customerId,
      journey,
      stage: { from: batch.previous.stage, to: batch.result.state.stage },
      emotion: { from: before.label, to: after.label, valence: after.valence },
      engagement: engagementScore(batch.result.state, now, settings),
      at: now.toISOString(),
    });
  }
  return messages;
}
