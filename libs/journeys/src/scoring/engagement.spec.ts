import { decayFactor } from './decay.ts';
import {
  ACTIVITY_WEIGHTS,
  DEFAULT_ACTIVITY_WEIGHT,
  ENGAGEMENT_SATURATION_ACTIVITY,
  engagementScore,
  eventActivityWeight,
} from './engagement.ts';
import { DEFAULT_SCORING_SETTINGS } from './scoring-settings.ts';

const settings = DEFAULT_SCORING_SETTINGS;
const DAY = 86_400_000;
const start = new Date('2026-03-02T10:00:00Z');

function daysAfterStart(days: number): Date {
  return new Date(start.getTime() + days * DAY);
}

describe('decayFactor', () => {
  it.each([
    [0, 1],
    [-5 * DAY, 1],
    [7 * DAY, 0.5],
    [14 * DAY, 0.25],
    [21 * DAY, 0.125],
  ])('decays %d ms with a 7-day half-life to %d', (elapsed, factor) => {
    expect(decayFactor(elapsed, 7)).toBeCloseTo(factor, 12);
  });
});

describe('eventActivityWeight', () => {
  it.each([
    ['page_view', null, 0.5],
    ['message', null, 1],
    ['purchase', null, 4],
    ['purchase', 9, 5],
    ['purchase', 999, 7],
    ['bill_payment', 99, 4],
    ['purchase', -50, 4],
    ['purchase', Number.POSITIVE_INFINITY, 4],
    ['cancellation', 1000, 0],
    ['unknown_kind', null, DEFAULT_ACTIVITY_WEIGHT],
    ['constructor', null, DEFAULT_ACTIVITY_WEIGHT],
    ['Page-View', null, 0.5],
  ])('weighs %s with value %p as %d', (type, value, weight) => {
    expect(eventActivityWeight({ type, value })).toBeCloseTo(weight, 12);
  });

  it('weighs a purchase above a page view', () => {
    expect(eventActivityWeight({ type: 'purchase' })).toBeGreaterThan(eventActivityWeight({ type: 'page_view' }));
  });

  it('grows with value but less than linearly', () => {
    const small = eventActivityWeight({ type: 'purchase', value: 10 });
    const large = eventActivityWeight({ type: 'purchase', value: 1000 });
    expect(large).toBeGreaterThan(small);
    expect(large - ACTIVITY_WEIGHTS.purchase).toBeLessThan(10 * (small - ACTIVITY_WEIGHTS.purchase));
  });
});

describe('engagementScore', () => {
  it('returns 0 without activity', () => {
    expect(engagementScore({ activity: 0, activityAt: null }, start, settings)).toBe(0);
    expect(engagementScore({ activity: 0, activityAt: start }, start, settings)).toBe(0);
  });

  it('reaches 1 - 1/e at the saturation activity', () => {
    const score = engagementScore({ activity: ENGAGEMENT_SATURATION_ACTIVITY, activityAt: start }, start, settings);
    expect(score).toBeCloseTo(100 * (1 - Math.exp(-1)), 10);
  });

  it('halves the activity at one half-life', () => {
    const decayed = engagementScore({ activity: 8, activityAt: start }, daysAfterStart(14), settings);
    const halved = engagementScore({ activity: 4, activityAt: start }, start, settings);
    expect(decayed).toBeCloseTo(halved, 10);
  });

  it('uses the configured half-life', () => {
    const decayed = engagementScore({ activity: 8, activityAt: start }, daysAfterStart(7), {
      ...settings,
      engagementHalfLifeDays: 7,
    });
    const halved = engagementScore({ activity: 4, activityAt: start }, start, settings);
    expect(decayed).toBeCloseTo(halved, 10);
  });

  it('saturates below 100', () => {
    const score = engagementScore({ activity: 1e6, activityAt: start }, start, settings);
    expect(score).toBeLessThanOrEqual(100);
    expect(score).toBeGreaterThan(99.99);
  });

  it('rises with activity', () => {
    const scores = [0, 0.5, 1, 5, 10, 50, 200].map((activity) =>
      engagementScore({ activity, activityAt: start }, start, settings),
    );
    for (let index = 1; index < scores.length; index++) {
      expect(scores[index]).toBeGreaterThan(scores[index - 1]);
    }
  });

  it('falls with time', () => {
    const scores = [0, 1, 7, 14, 60, 365].map((days) =>
      engagementScore({ activity: 20, activityAt: start }, daysAfterStart(days), settings),
    );
    for (let index = 1; index < scores.length; index++) {
      expect(scores[index]).toBeLessThan(scores[index - 1]);
    }
  });

  it('treats a now before activityAt as activityAt', () => {
    const early = engagementScore({ activity: 6, activityAt: start }, daysAfterStart(-3), settings);
    const atStart = engagementScore({ activity: 6, activityAt: start }, start, settings);
    expect(early).toBe(atStart);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects activity %d', (activity) => {
    expect(() => engagementScore({ activity, activityAt: start }, start, settings)).toThrow(RangeError);
  });

  it.each([0, -1, Number.NaN])('rejects half-life %d', (halfLife) => {
    expect(() =>
      engagementScore({ activity: 1, activityAt: start }, start, { ...settings, engagementHalfLifeDays: halfLife }),
    ).toThrow(/engagementHalfLifeDays/);
  });

  it('rejects an invalid now', () => {
    expect(() => engagementScore({ activity: 1, activityAt: start }, new Date('not a date'), settings)).toThrow(
      /Invalid now/,
    );
  });
});
