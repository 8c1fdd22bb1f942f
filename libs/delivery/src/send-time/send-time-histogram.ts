import { HOURS_PER_WEEK, hourOfWeek } from './local-clock.ts';

/**
 * Event types that show when a customer pays attention: an e-mail opened, a link
 * clicked, a web or store visit, a purchase. Other types (calls, complaints, bill
 * payments) are left out, because their timing shows little about when a message is read.
 */
export const ENGAGEMENT_EVENT_TYPES = ['open', 'click', 'visit', 'purchase'] as const;

/** Age at which an event counts half as much as one that happened now, in days. */
export const SEND_TIME_HALF_LIFE_DAYS = 28;

/** Events older than this are not read at all, in days. */
export const SEND_TIME_LOOKBACK_DAYS = 182;

const MS_PER_DAY = 86_400_000;

/**
 * Engagement by local hour of the week. `weights[h]` is the decayed weight of the events
 * in hour `h` (0 is Monday 00:00), and `counts[h]` the number of events behind it.
 */
export interface HourOfWeekHistogram {
  weights: number[];
  counts: number[];
  /** Number of events in the histogram. */
  events: number;
}

export function emptyHistogram(): HourOfWeekHistogram {
  return { weights: new Array<number>(HOURS_PER_WEEK).fill(0), counts: new Array<number>(HOURS_PER_WEEK).fill(0), events: 0 };
}

/** Weight of an event `ageMs` old: 1 now, 0.5 after the half-life. Future events count as now. */
export function decayWeight(ageMs: number, halfLifeDays = SEND_TIME_HALF_LIFE_DAYS): number {
  return 2 ** (-Math.max(0, ageMs) / (halfLifeDays * MS_PER_DAY));
}

/**
 * Builds the histogram of `occurredAt` instants in `timeZone`, so an event at 19:30
 * local time lands in hour 19 of its local weekday whatever the daylight saving offset
 * was that day.
 */
export function buildHistogram(occurredAt: Date[], timeZone: string, now: Date, halfLifeDays = SEND_TIME_HALF_LIFE_DAYS): HourOfWeekHistogram {
  const histogram = emptyHistogram();
  for (const instant of occurredAt) {
    const hour = hourOfWeek(instant.getTime(), timeZone);
    histogram.weights[hour]! += decayWeight(now.getTime() - instant.getTime(), halfLifeDays);
    histogram.counts[hour]! += 1;
    histogram.events += 1;
  }
  return histogram;
}

/**
 * Scores each hour as its share of the total weight, with half the weight of each
 * neighbouring hour added (the week wraps from Sunday 23:00 to Monday 00:00). The
 * neighbours smooth a sparse history, so one stray event does not beat a cluster of
 * events an hour apart. Returns zeros for an empty histogram.
 */
export function smoothedScores(histogram: HourOfWeekHistogram): number[] {
  const total = histogram.weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) {
    return new Array<number>(HOURS_PER_WEEK).fill(0);
  }
  const { weights } = histogram;
  return weights.map((weight, hour) => {
    const before = weights[(hour + HOURS_PER_WEEK - 1) % HOURS_PER_WEEK]!;
    const after = weights[(hour + 1) % HOURS_PER_WEEK]!;
    return (weight + 0.5 * (before + after)) / total;
  });
}
