import { formatHourOfWeek } from './local-clock.ts';
import { smoothedScores, type HourOfWeekHistogram } from './send-time-histogram.ts';
import type { SendSlot } from './send-time-slots.ts';

/** Customers with fewer engagement events than this use their segment's pattern, or the global one. */
export const MIN_CUSTOMER_EVENTS = 5;

/** A segment with fewer engagement events than this is skipped in favour of the global pattern. */
export const MIN_SEGMENT_EVENTS = 20;

/** Whose engagement pattern chose the hour. `none`: no pattern had events, so the message goes at the earliest moment. */
export type SendTimeSource = 'customer' | 'segment' | 'global' | 'none';

/** The engagement patterns the choice may use, from most to least specific. A null pattern was not read. */
export interface SendTimePatterns {
  customer: HourOfWeekHistogram;
  /** The customer's `segment` attribute, or null when it has none. */
  segment: { name: string; histogram: HourOfWeekHistogram } | null;
  global: HourOfWeekHistogram | null;
}

export interface PatternChoice {
  source: SendTimeSource;
  histogram: HourOfWeekHistogram | null;
}

/**
 * Picks the most specific pattern with enough events: the customer's own with at least
 * {@link MIN_CUSTOMER_EVENTS}, the segment's with at least {@link MIN_SEGMENT_EVENTS},
 * then the global one when it has any event at all.
 */
export function choosePattern(patterns: SendTimePatterns): PatternChoice {
  if (patterns.customer.events >= MIN_CUSTOMER_EVENTS) {
    return { source: 'customer', histogram: patterns.customer };
  }
  if (patterns.segment !== null && patterns.segment.histogram.events >= MIN_SEGMENT_EVENTS) {
    return { source: 'segment', histogram: patterns.segment.histogram };
  }
  if (patterns.global !== null && patterns.global.events > 0) {
    return { source: 'global', histogram: patterns.global };
  }
  return { source: 'none', histogram: null };
}

/** Tells whether the customer and segment patterns are too thin, so the global pattern has to be read. */
export function needsGlobalPattern(customer: HourOfWeekHistogram, segment: HourOfWeekHistogram | null): boolean {
  return customer.events < MIN_CUSTOMER_EVENTS && (segment === null || segment.events < MIN_SEGMENT_EVENTS);
}

export interface SlotChoice {
  slot: SendSlot;
  /** Smoothed share of the pattern's weight at the slot's hour, 0 to 1. */
  score: number;
  /** Events of the pattern in the slot's hour, before smoothing. */
  eventsInHour: number;
}

/**
 * Picks the slot whose hour of the week scores highest in the histogram. Ties go to the
 * earlier slot, so without a pattern (all scores 0) the first slot wins. Returns null
 * when there are no slots.
 */
export function chooseSlot(slots: SendSlot[], histogram: HourOfWeekHistogram | null): SlotChoice | null {
  const scores = histogram === null ? null : smoothedScores(histogram);
  let best: SlotChoice | null = null;
  for (const slot of slots) {
    const score = scores === null ? 0 : scores[slot.hourOfWeek]!;
    if (best === null || score > best.score) {
      best = { slot, score, eventsInHour: histogram === null ? 0 : histogram.counts[slot.hourOfWeek]! };
    }
  }
  return best;
}

/** Stored with the outreach message as `send_time_reason`, and returned with the decision. */
export interface SendTimeReason {
  source: SendTimeSource;
  /** The customer's segment attribute, or null. */
  segment: string | null;
  /** Time zone the hours of the week were read in. */
  timeZone: string;
  /** 0 is Monday 00:00 local time; null when no slot was allowed. */
  hourOfWeek: number | null;
  /** The chosen hour as `Tue 19:00`, or null. */
  localTime: string | null;
  score: number;
  eventsInHour: number;
  /** Engagement events behind each pattern; null for a pattern that was not read. */
  counts: { customer: number; segment: number | null; global: number | null };
  /** Bounds of the search as ISO 8601 instants; `latest` is exclusive. */
  window: { earliest: string; latest: string };
  detail: string;
}

/** Describes the choice in one sentence for the reason's `detail`. */
export function describeChoice(source: SendTimeSource, choice: SlotChoice | null, segment: string | null): string {
  if (choice === null) {
    return 'the campaign ends before the earliest allowed moment, so the message goes at that moment';
  }
  const hour = formatHourOfWeek(choice.slot.hourOfWeek);
  switch (source) {
    case 'customer':
      return `the customer's own engagement peaks around ${hour}`;
    case 'segment':
      return `the customer has fewer than ${MIN_CUSTOMER_EVENTS} engagement events, so segment '${segment}' chose ${hour}`;
    case 'global':
      return `the customer has fewer than ${MIN_CUSTOMER_EVENTS} engagement events and no segment with ${MIN_SEGMENT_EVENTS}, so the global pattern chose ${hour}`;
    case 'none':
      return 'no engagement events are recorded yet, so the message goes at the earliest allowed moment';
  }
}
