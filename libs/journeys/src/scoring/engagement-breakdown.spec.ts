import {
  applyEvent,
  createInitialScoreState,
  currentEmotion,
  stageEngagementBreakdowns,
  type CustomerScoreState,
} from './customer-state.ts';
import {
  ACTIVITY_WEIGHTS,
  DEPTH_WEIGHT,
  ENGAGEMENT_SATURATION_ACTIVITY,
  FREQUENCY_WEIGHT,
  MONETARY_WEIGHT,
  engagementBreakdown,
  engagementScore,
} from './engagement.ts';
import type { ScorableEvent } from './scorable-event.ts';
import { DEFAULT_SCORING_SETTINGS } from './scoring-settings.ts';
import { parseScoringState, serializeScoringState } from './scoring-state-json.ts';

const settings = DEFAULT_SCORING_SETTINGS;
const HALF_LIFE = settings.engagementHalfLifeDays;
const DAY = 86_400_000;
const start = new Date('2026-03-02T10:00:00Z');

function daysAfterStart(days: number): Date {
  return new Date(start.getTime() + days * DAY);
}

function buildEvent(overrides: Partial<ScorableEvent> = {}): ScorableEvent {
  return { type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: start, ...overrides };
}

function applyAll(events: ScorableEvent[], state: CustomerScoreState = createInitialScoreState()): CustomerScoreState {
  return events.reduce((current, event) => applyEvent(current, event, settings).state, state);
}

const mixedRun: ScorableEvent[] = [
  buildEvent(),
  buildEvent({ type: 'purchase', value: 120, touchpoint: 'checkout', occurredAt: daysAfterStart(1) }),
  buildEvent({ type: 'call', channel: 'phone', touchpoint: 'support_ticket', occurredAt: daysAfterStart(3) }),
  buildEvent({ type: 'message', channel: 'app', touchpoint: 'chat', occurredAt: daysAfterStart(5) }),
];

const runs: Array<[string, ScorableEvent[]]> = [
  ['no events', []],
  ['one page view', [buildEvent()]],
  ['one purchase of 99', [buildEvent({ type: 'purchase', value: 99, touchpoint: 'checkout' })]],
  ['a mixed run', mixedRun],
  ['a late event', [buildEvent({ occurredAt: daysAfterStart(10) }), buildEvent({ type: 'call', channel: 'phone' })]],
  ['only a cancellation', [buildEvent({ type: 'cancellation', value: 500 })]],
];

describe('engagementBreakdown', () => {
  it.each([
    ['one half-life', HALF_LIFE, 0.5],
    ['two half-lives', 2 * HALF_LIFE, 0.25],
    ['no time', 0, 1],
  ])('scales frequency, monetary and depth after %s', (_name, days, factor) => {
    const state = applyAll([buildEvent({ type: 'purchase', value: 80, touchpoint: 'checkout' })]);
    const fresh = engagementBreakdown(state, start, settings).components;
    const later = engagementBreakdown(state, daysAfterStart(days), settings).components;
    expect(later.frequency).toBeCloseTo(fresh.frequency * factor, 12);
    expect(later.monetary).toBeCloseTo(fresh.monetary * factor, 12);
    expect(later.depth).toBeCloseTo(fresh.depth * factor, 12);
    expect(later.recencyDays).toBeCloseTo(days, 12);
  });

  it.each(runs)('adds the contributions up to the activity for %s', (_name, events) => {
    const breakdown = engagementBreakdown(applyAll(events), daysAfterStart(12), settings);
    const { frequency, monetary, depth } = breakdown.contributions;
    expect(frequency + monetary + depth).toBeCloseTo(breakdown.activity, 12);
    expect(frequency).toBeCloseTo(FREQUENCY_WEIGHT * breakdown.components.frequency, 12);
    expect(monetary).toBeCloseTo(MONETARY_WEIGHT * Math.log1p(breakdown.components.monetary), 12);
    expect(depth).toBeCloseTo(DEPTH_WEIGHT * breakdown.components.depth, 12);
    expect(breakdown.score).toBeCloseTo(100 * (1 - Math.exp(-breakdown.activity / ENGAGEMENT_SATURATION_ACTIVITY)), 12);
  });

  it.each(runs)('gives exactly the engagementScore for %s', (_name, events) => {
    const state = applyAll(events);
    for (const days of [-1, 0, 3, 30]) {
      expect(engagementBreakdown(state, daysAfterStart(days), settings).score).toBe(
        engagementScore(state, daysAfterStart(days), settings),
      );
    }
  });

  it.each([
    ['page_view', null, ACTIVITY_WEIGHTS.page_view, 0],
    ['purchase', 250, ACTIVITY_WEIGHTS.purchase, 250],
    ['purchase', -5, ACTIVITY_WEIGHTS.purchase, 0],
    ['cancellation', 500, 0, 0],
  ])('counts a fresh %s with value %p as frequency %d and monetary %d', (type, value, frequency, monetary) => {
    const components = engagementBreakdown(applyAll([buildEvent({ type, value })]), start, settings).components;
    expect(components.frequency).toBeCloseTo(frequency, 12);
    expect(components.monetary).toBeCloseTo(monetary, 12);
  });

  it('gives the same components for a late event as for time order', () => {
    const inOrder = applyAll([mixedRun[0]!, mixedRun[2]!, mixedRun[1]!, mixedRun[3]!].sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
    ));
    const shuffled = applyAll([mixedRun[3]!, mixedRun[0]!, mixedRun[2]!, mixedRun[1]!]);
    const now = daysAfterStart(9);
    const expected = engagementBreakdown(inOrder, now, settings);
    const actual = engagementBreakdown(shuffled, now, settings);
    expect(actual.components.frequency).toBeCloseTo(expected.components.frequency, 10);
    expect(actual.components.monetary).toBeCloseTo(expected.components.monetary, 10);
    expect(actual.components.depth).toBeCloseTo(expected.components.depth, 10);
    expect(actual.score).toBeCloseTo(expected.score, 10);
  });
});

describe('engagement depth', () => {
  it.each([
    // [days after the events, expected depth]: web + phone channels, web_visit + support_ticket touchpoints.
    [0, 4],
    [HALF_LIFE, 2],
    [2 * HALF_LIFE, 1],
  ])('fades the distinct channels and touchpoints %d days later to %d', (days, depth) => {
    const state = applyAll([buildEvent(), buildEvent({ type: 'call', channel: 'phone', touchpoint: 'support_ticket' })]);
    expect(engagementBreakdown(state, daysAfterStart(days), settings).components.depth).toBeCloseTo(depth, 12);
  });

  it.each([
    ['the same channel and touchpoint again', buildEvent(), 2],
    ['a name differing only in case and hyphens', buildEvent({ channel: 'WEB', touchpoint: 'Web-Visit' }), 2],
    ['a new channel', buildEvent({ channel: 'phone' }), 3],
    ['an empty channel', buildEvent({ channel: '  ' }), 2],
  ])('counts %s once per name', (_name, second, depth) => {
    const state = applyAll([buildEvent(), second]);
    expect(engagementBreakdown(state, start, settings).components.depth).toBeCloseTo(depth, 12);
  });

  it('forgets channels unused for more than ten half-lives when a new event arrives', () => {
    const state = applyAll([
      buildEvent({ channel: 'fax', touchpoint: 'old_form' }),
      buildEvent({ occurredAt: daysAfterStart(11 * HALF_LIFE) }),
    ]);
    expect(Object.keys(state.engagement!.channels)).toEqual(['web']);
    expect(Object.keys(state.engagement!.touchpoints)).toEqual(['web_visit']);
  });

  it('keeps a channel named __proto__ as data', () => {
    const state = applyAll([buildEvent({ channel: '__proto__' })]);
    expect(Object.hasOwn(state.engagement!.channels, '__proto__')).toBe(true);
    expect(engagementBreakdown(state, start, settings).components.depth).toBeCloseTo(2, 12);
  });
});

describe('stageEngagementBreakdowns', () => {
  it('keeps the components of each stage apart', () => {
    const state = applyAll([
      buildEvent({ stage: 'consideration' }),
      buildEvent({ type: 'purchase', value: 50, stage: 'purchase', touchpoint: 'checkout', occurredAt: daysAfterStart(1) }),
      buildEvent({ type: 'message', stage: 'purchase', channel: 'app', occurredAt: daysAfterStart(2) }),
    ]);
    const stages = stageEngagementBreakdowns(state, daysAfterStart(2), settings);
    expect(Object.keys(stages).sort()).toEqual(['consideration', 'purchase']);
    expect(stages.purchase!.components.monetary).toBeCloseTo(50 * 2 ** (-1 / HALF_LIFE), 12);
    expect(stages.consideration!.components.monetary).toBe(0);
    expect(stages.consideration!.components.frequency).toBeCloseTo(ACTIVITY_WEIGHTS.page_view! * 2 ** (-2 / HALF_LIFE), 12);
    expect(stages.purchase!.score).toBeGreaterThan(stages.consideration!.score);
    expect(stages.consideration!.components.recencyDays).toBeCloseTo(2, 12);
  });

  it('returns no stages for a state stored without them', () => {
    expect(stageEngagementBreakdowns({ ...createInitialScoreState(), stages: undefined }, start, settings)).toEqual({});
  });
});

describe('emotion trend', () => {
  const positive = (day: number) => buildEvent({ type: 'feedback', rating: 5, occurredAt: daysAfterStart(day) });
  const negative = (day: number) => buildEvent({ type: 'complaint', rating: 1, occurredAt: daysAfterStart(day) });

  it.each([
    ['negative events after positive ones', [positive(0), positive(1), positive(2), negative(10), negative(11), negative(12)], -1],
    ['positive events after negative ones', [negative(0), negative(1), negative(2), positive(10), positive(11), positive(12)], 1],
    ['one steady mood', [positive(0), positive(5), positive(10)], 0],
  ])('has the sign of the change for %s', (_name, events, sign) => {
    const emotion = currentEmotion(applyAll(events), daysAfterStart(12), settings);
    expect(emotion.trend).not.toBeNull();
    if (sign === 0) {
      expect(emotion.trend).toBeCloseTo(0, 12);
    } else {
      expect(Math.sign(emotion.trend!)).toBe(sign);
    }
  });

  it('is null without evidence', () => {
    expect(currentEmotion(applyAll([buildEvent()]), start, settings).trend).toBeNull();
  });

  it('starts at 0 for a state stored without the slow valence', () => {
    const stored = { ...applyAll([positive(0)]), slowEmotion: undefined };
    expect(currentEmotion(stored, start, settings).trend).toBe(0);
    const later = applyAll([negative(1)], stored);
    expect(currentEmotion(later, daysAfterStart(1), settings).trend).toBeLessThan(0);
  });
});

describe('stored scoring state', () => {
  const legacy: CustomerScoreState = {
    ...createInitialScoreState(),
    activity: 8,
    activityAt: start,
    lastEventAt: start,
    eventCount: 3,
    engagement: undefined,
    stages: undefined,
    slowEmotion: undefined,
  };

  it.each([
    ['an empty object', {}],
    ['null', null],
    ['an array', []],
    ['a string', 'broken'],
    ['wrong field types', { engagement: 'x', stages: 5, slowEmotion: { valence: 7 } }],
  ])('defaults every part for %s', (_name, json) => {
    expect(parseScoringState(json)).toEqual({});
  });

  it.each([
    ['amounts without a time', { engagement: { frequency: 5, monetary: 3 } }, { frequency: 0, monetary: 0, atMs: null }],
    ['negative amounts', { engagement: { frequency: -5, monetary: Number.NaN, atMs: 1 } }, { frequency: 0, monetary: 0, atMs: 1 }],
    ['missing maps', { engagement: { frequency: 2, monetary: 3, atMs: 1 } }, { frequency: 2, monetary: 3, atMs: 1 }],
  ])('cleans %s', (_name, json, expected) => {
    expect(parseScoringState(json).engagement).toEqual({ ...expected, channels: {}, touchpoints: {} });
  });

  it('scores an older state from its legacy activity', () => {
    for (const days of [0, HALF_LIFE, 40]) {
      const expected = 100 * (1 - Math.exp(-(8 * 2 ** (-days / HALF_LIFE)) / ENGAGEMENT_SATURATION_ACTIVITY));
      expect(engagementScore(legacy, daysAfterStart(days), settings)).toBeCloseTo(expected, 12);
    }
  });

  it('carries the legacy activity into the components on the next event', () => {
    const next = applyAll([buildEvent({ occurredAt: daysAfterStart(HALF_LIFE) })], legacy);
    expect(next.engagement!.frequency).toBeCloseTo(4 + ACTIVITY_WEIGHTS.page_view!, 12);
    expect(Object.keys(next.stages!)).toEqual(['awareness']);
  });

  it('round-trips through JSON with the same scores', () => {
    const state = applyAll([...mixedRun, buildEvent({ type: 'complaint', rating: 1, occurredAt: daysAfterStart(6) })]);
    const restored: CustomerScoreState = {
      ...state,
      engagement: undefined,
      stages: undefined,
      slowEmotion: undefined,
      ...parseScoringState(JSON.parse(JSON.stringify(serializeScoringState(state)))),
    };
    const now = daysAfterStart(8);
    expect(engagementBreakdown(restored, now, settings)).toEqual(engagementBreakdown(state, now, settings));
    expect(stageEngagementBreakdowns(restored, now, settings)).toEqual(stageEngagementBreakdowns(state, now, settings));
    expect(currentEmotion(restored, now, settings)).toEqual(currentEmotion(state, now, settings));
  });
});
