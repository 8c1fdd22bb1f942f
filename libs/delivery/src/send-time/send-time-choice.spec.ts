import { HOURS_PER_WEEK } from './local-clock.ts';
import { chooseSlot, choosePattern, describeChoice, needsGlobalPattern, type SendTimePatterns } from './send-time-choice.ts';
import { buildHistogram, decayWeight, emptyHistogram, smoothedScores, type HourOfWeekHistogram } from './send-time-histogram.ts';
import { sendSlots } from './send-time-slots.ts';

/** Builds a histogram with `events` events, all in hour `hour`, each of weight 1. */
function histogramAt(hour: number, events: number): HourOfWeekHistogram {
  const histogram = emptyHistogram();
  histogram.weights[hour] = events;
  histogram.counts[hour] = events;
  histogram.events = events;
  return histogram;
}

describe('decayWeight', () => {
  it.each<[number, number]>([
    [0, 1],
    [28, 0.5],
    [56, 0.25],
    [-3, 1],
  ])('an event %i days old weighs %d', (days, expected) => {
    expect(decayWeight(days * 86_400_000, 28)).toBeCloseTo(expected, 10);
  });
});

describe('buildHistogram', () => {
  it('puts the same local time in the same hour across DST', () => {
    // Thursday 19:30 in Berlin, once in winter (UTC+1) and once in summer (UTC+2).
    const events = [new Date('2026-01-15T18:30:00Z'), new Date('2026-07-16T17:30:00Z')];
    const histogram = buildHistogram(events, 'Europe/Berlin', new Date('2026-07-16T17:30:00Z'));

    expect(histogram.events).toBe(2);
    expect(histogram.counts[3 * 24 + 19]).toBe(2);
    expect(histogram.counts.reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('weighs older events less', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const events = [new Date('2026-12-07T12:00:00Z'), new Date('2026-11-09T12:00:00Z')];
    const histogram = buildHistogram(events, 'UTC', now, 28);

    expect(histogram.weights[12]).toBeCloseTo(1.5, 10);
    expect(histogram.counts[12]).toBe(2);
  });

  it('reads the hour in the given zone', () => {
    const histogram = buildHistogram([new Date('2026-12-07T23:30:00Z')], 'Asia/Tokyo', new Date('2026-12-08T00:00:00Z'));

    expect(histogram.counts[24 + 8]).toBe(1); // Tuesday 08:30 in Tokyo
  });
});

describe('smoothedScores', () => {
  it('adds half of each neighbour and wraps around the week', () => {
    const scores = smoothedScores(histogramAt(0, 1));

    expect(scores[0]).toBe(1);
    expect(scores[1]).toBe(0.5);
    expect(scores[HOURS_PER_WEEK - 1]).toBe(0.5);
    expect(scores[2]).toBe(0);
  });

  it('prefers a cluster over a lone peak', () => {
    const histogram = emptyHistogram();
    histogram.weights[10] = 3;
    histogram.weights[40] = 2.5;
    histogram.weights[41] = 2.5;
    const scores = smoothedScores(histogram);

    expect(scores[40]).toBeGreaterThan(scores[10]!);
  });

  it('is all zeros without events', () => {
    expect(smoothedScores(emptyHistogram()).every((score) => score === 0)).toBe(true);
  });
});

describe('choosePattern', () => {
  const none = emptyHistogram();
  const cases: Array<[string, SendTimePatterns, string]> = [
    ['customer with 5 events', { customer: histogramAt(1, 5), segment: { name: 'gold', histogram: histogramAt(2, 100) }, global: null }, 'customer'],
    ['customer with 4 events, segment with 20', { customer: histogramAt(1, 4), segment: { name: 'gold', histogram: histogramAt(2, 20) }, global: null }, 'segment'],
    ['segment with 19 events', { customer: histogramAt(1, 4), segment: { name: 'gold', histogram: histogramAt(2, 19) }, global: histogramAt(3, 1) }, 'global'],
    ['no segment attribute', { customer: none, segment: null, global: histogramAt(3, 1) }, 'global'],
    ['no events anywhere', { customer: none, segment: null, global: none }, 'none'],
  ];
  it.each(cases)('%s', (_name, patterns, expected) => {
    expect(choosePattern(patterns).source).toBe(expected);
  });
});

describe('needsGlobalPattern', () => {
  it.each<[number, number | null, boolean]>([
    [5, null, false],
    [4, null, true],
    [4, 20, false],
    [4, 19, true],
  ])('customer %i events, segment %p', (customerEvents, segmentEvents, expected) => {
    const segment = segmentEvents === null ? null : histogramAt(0, segmentEvents);
    expect(needsGlobalPattern(histogramAt(0, customerEvents), segment)).toBe(expected);
  });
});

describe('chooseSlot', () => {
  // Monday 7 December 2026, 10:20 UTC, to a week later.
  const slots = sendSlots(new Date('2026-12-07T10:20:00Z'), new Date('2026-12-14T10:20:00Z'), 'UTC', null);

  it('picks the peak hour of the week', () => {
    const choice = chooseSlot(slots, histogramAt(3 * 24 + 19, 6));

    expect(choice?.slot.at.toISOString()).toBe('2026-12-10T19:00:00.000Z');
    expect(choice?.score).toBe(1);
    expect(choice?.eventsInHour).toBe(6);
  });

  it('sends at once when the current hour is the peak', () => {
    const choice = chooseSlot(slots, histogramAt(10, 6));

    expect(choice?.slot.at.toISOString()).toBe('2026-12-07T10:20:00.000Z');
  });

  it('takes the earlier of two equal hours', () => {
    const histogram = emptyHistogram();
    histogram.weights[24 + 9] = 1; // Tuesday 09:00
    histogram.weights[4 * 24 + 9] = 1; // Friday 09:00
    histogram.events = 2;

    expect(chooseSlot(slots, histogram)?.slot.at.toISOString()).toBe('2026-12-08T09:00:00.000Z');
  });

  it('takes the first slot without a pattern', () => {
    const choice = chooseSlot(slots, null);

    expect(choice?.slot.at.toISOString()).toBe('2026-12-07T10:20:00.000Z');
    expect(choice?.score).toBe(0);
  });

  it('returns null without slots', () => {
    expect(chooseSlot([], histogramAt(0, 1))).toBeNull();
  });
});

describe('describeChoice', () => {
  const slot = { at: new Date('2026-12-10T19:00:00Z'), hourOfWeek: 3 * 24 + 19 };
  const choice = { slot, score: 0.5, eventsInHour: 3 };
  it.each<[Parameters<typeof describeChoice>, string]>([
    [['customer', choice, null], "the customer's own engagement peaks around Thu 19:00"],
    [['segment', choice, 'gold'], "the customer has fewer than 5 engagement events, so segment 'gold' chose Thu 19:00"],
    [['none', choice, null], 'no engagement events are recorded yet, so the message goes at the earliest allowed moment'],
    [['customer', null, null], 'the campaign ends before the earliest allowed moment, so the message goes at that moment'],
  ])('%o', (input, expected) => {
    expect(describeChoice(...input)).toBe(expected);
  });
});
