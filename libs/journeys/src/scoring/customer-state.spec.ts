import {
  applyEvent,
  createInitialScoreState,
  currentEmotion,
  type CustomerScoreState,
} from './customer-state.ts';
import { eventActivityWeight } from './engagement.ts';
import { RATING_WEIGHT } from './event-emotion.ts';
import type { ScorableEvent } from './scorable-event.ts';
import { DEFAULT_SCORING_SETTINGS } from './scoring-settings.ts';

const settings = DEFAULT_SCORING_SETTINGS;
const DAY = 86_400_000;
const start = new Date('2026-03-02T10:00:00Z');

function daysAfterStart(days: number): Date {
  return new Date(start.getTime() + days * DAY);
}

function buildEvent(overrides: Partial<ScorableEvent> = {}): ScorableEvent {
  return {
    type: 'page_view',
    touchpoint: 'web_visit',
    channel: 'web',
    occurredAt: start,
    ...overrides,
  };
}

function applyAll(events: ScorableEvent[], state: CustomerScoreState = createInitialScoreState()): CustomerScoreState {
  return events.reduce((current, event) => applyEvent(current, event, settings).state, state);
}

function expectStatesClose(actual: CustomerScoreState, expected: CustomerScoreState): void {
  expect(actual.activity).toBeCloseTo(expected.activity, 10);
  expect(actual.activityAt).toEqual(expected.activityAt);
  expect(actual.valence).toBeCloseTo(expected.valence, 10);
  expect(actual.valenceWeight).toBeCloseTo(expected.valenceWeight, 10);
  expect(actual.emotionAt).toEqual(expected.emotionAt);
  expect(actual.stage).toBe(expected.stage);
  expect(actual.stageAt).toEqual(expected.stageAt);
  expect(actual.eventCount).toBe(expected.eventCount);
  expect(actual.lastEventAt).toEqual(expected.lastEventAt);
}

describe('applyEvent', () => {
  it('scores a first event', () => {
    const event = buildEvent({ type: 'purchase', touchpoint: 'purchase', rating: 5, value: 99 });
    const { state, eventScore } = applyEvent(createInitialScoreState(), event, settings);

    expect(state.activity).toBeCloseTo(6, 12);
    expect(state.activityAt).toEqual(start);
    expect(state.valence).toBeCloseTo(eventScore.valence, 12);
    expect(state.valenceWeight).toBeCloseTo(eventScore.weight, 12);
    expect(state.emotionAt).toEqual(start);
    expect(state.stage).toBe('purchase');
    expect(state.stageAt).toEqual(start);
    expect(state.eventCount).toBe(1);
    expect(state.lastEventAt).toEqual(start);
    expect(eventScore.stage).toBe('purchase');
    expect(eventScore.activityWeight).toBeCloseTo(6, 12);
    expect(eventScore.label).toBe('delighted');
    expect(eventScore.sentiment).toBeNull();
    expect(eventScore.sources).toEqual(['rating', 'behaviour']);
  });

  it('does not change the input state', () => {
    const initial = applyAll([buildEvent({ rating: 2 })]);
    const snapshot = structuredClone(initial);
    applyEvent(Object.freeze(initial), buildEvent({ type: 'complaint', occurredAt: daysAfterStart(1) }), settings);
    expect(initial).toEqual(snapshot);
  });

  it('returns equal results for equal inputs', () => {
    const events = [
      buildEvent({ type: 'message', touchpoint: 'chat', text: 'Still waiting for my refund 😡' }),
      buildEvent({ type: 'call', touchpoint: 'call', waitSeconds: 600, occurredAt: daysAfterStart(2) }),
      buildEvent({ type: 'feedback', rating: 4, occurredAt: daysAfterStart(3) }),
    ];
    expect(applyAll(events)).toEqual(applyAll(events));
  });

  it('leaves emotion untouched for evidence-free events', () => {
    const before = applyAll([buildEvent({ type: 'feedback', rating: 1 })]);
    const { state, eventScore } = applyEvent(before, buildEvent({ occurredAt: daysAfterStart(3) }), settings);

    expect(eventScore.weight).toBe(0);
    expect(state.valence).toBe(before.valence);
    expect(state.valenceWeight).toBe(before.valenceWeight);
    expect(state.emotionAt).toBe(before.emotionAt);
    expect(state.activity).toBeGreaterThan(0);
    expect(state.eventCount).toBe(2);
  });

  it('leaves activity untouched for a cancellation', () => {
    const before = applyAll([buildEvent({ type: 'purchase' })]);
    const { state } = applyEvent(before, buildEvent({ type: 'cancellation', occurredAt: daysAfterStart(5) }), settings);

    expect(state.activity).toBe(before.activity);
    expect(state.activityAt).toBe(before.activityAt);
    expect(state.stage).toBe('churn-risk');
  });

  it('halves activity at one engagement half-life', () => {
    const state = applyAll([
      buildEvent({ type: 'purchase' }),
      buildEvent({ type: 'page_view', occurredAt: daysAfterStart(settings.engagementHalfLifeDays) }),
    ]);
    expect(state.activity).toBeCloseTo(4 / 2 + 0.5, 12);
  });

  it('halves old evidence at one emotion half-life', () => {
    const state = applyAll([
      buildEvent({ rating: 1 }),
      buildEvent({ rating: 5, occurredAt: daysAfterStart(settings.emotionHalfLifeDays) }),
    ]);
    const oldWeight = RATING_WEIGHT / 2;
    expect(state.valenceWeight).toBeCloseTo(oldWeight + RATING_WEIGHT, 12);
    expect(state.valence).toBeCloseTo((-1 * oldWeight + 1 * RATING_WEIGHT) / (oldWeight + RATING_WEIGHT), 12);
  });

  it('moves valence down with more negative events', () => {
    const valences: number[] = [];
    let state = applyAll([buildEvent({ rating: 5 })]);
    for (let day = 1; day <= 4; day++) {
      state = applyEvent(state, buildEvent({ type: 'complaint', occurredAt: daysAfterStart(day) }), settings).state;
      valences.push(state.valence);
    }
    for (let index = 1; index < valences.length; index++) {
      expect(valences[index]).toBeLessThan(valences[index - 1]);
    }
  });

  it('keeps emotion independent of order at equal times', () => {
    const angry = buildEvent({ type: 'complaint', touchpoint: 'call', text: 'This is a disgrace' });
    const happy = buildEvent({ type: 'purchase', touchpoint: 'purchase', rating: 5, value: 40 });
    const prior = applyAll([buildEvent({ type: 'message', rating: 3, occurredAt: daysAfterStart(-2) })]);

    const angryLast = applyAll([happy, angry], prior);
    const happyLast = applyAll([angry, happy], prior);

    expect(angryLast.activity).toBeCloseTo(happyLast.activity, 10);
    expect(angryLast.valence).toBeCloseTo(happyLast.valence, 10);
    expect(angryLast.valenceWeight).toBeCloseTo(happyLast.valenceWeight, 10);
    expect(angryLast.emotionAt).toEqual(happyLast.emotionAt);
    expect(angryLast.stage).toBe('support');
    expect(happyLast.stage).toBe('purchase');
  });

  it('matches time order for late events', () => {
    const events = [
      buildEvent({ type: 'purchase', touchpoint: 'purchase', value: 120, rating: 5 }),
      buildEvent({ type: 'message', touchpoint: 'chat', text: 'Where is my parcel?', occurredAt: daysAfterStart(3) }),
      buildEvent({ type: 'complaint', touchpoint: 'call', waitSeconds: 900, occurredAt: daysAfterStart(9) }),
      buildEvent({ type: 'page_view', touchpoint: 'web_visit', occurredAt: daysAfterStart(10) }),
    ];
    const inOrder = applyAll(events);
    const [first, second, third, fourth] = events;
    expect(inOrder.stage).toBe('support');
    expect(inOrder.stageAt).toEqual(daysAfterStart(9));

    for (const shuffled of [
      [fourth, first, third, second],
      [third, second, fourth, first],
      [fourth, third, second, first],
      [second, fourth, first, third],
    ]) {
      expectStatesClose(applyAll(shuffled), inOrder);
    }
  });

  it('replaces the fallback stage with a late mapped one', () => {
    const chat = buildEvent({ type: 'message', touchpoint: 'chat', occurredAt: daysAfterStart(1) });
    const purchase = buildEvent({ type: 'purchase', touchpoint: 'purchase', occurredAt: daysAfterStart(2) });
    const visit = buildEvent({ touchpoint: 'web_visit', occurredAt: daysAfterStart(3) });

    const afterVisit = applyAll([visit]);
    expect(afterVisit.stage).toBe('awareness');
    expect(afterVisit.stageAt).toBeNull();

    const state = applyAll([chat, purchase], afterVisit);
    expect(state.stage).toBe('purchase');
    expect(applyAll([visit, purchase, chat]).stage).toBe('purchase');
    expect(applyAll([chat, purchase, visit]).stage).toBe('purchase');
  });

  it('lets a late event set the stage without stageAt', () => {
    const { stageAt: _omitted, ...stored } = applyAll([buildEvent({ type: 'purchase', occurredAt: daysAfterStart(5) })]);
    const { state } = applyEvent(stored, buildEvent({ type: 'message', touchpoint: 'chat' }), settings);
    expect(state.stage).toBe('support');
    expect(state.stageAt).toEqual(start);
  });

  it('keeps the stage for an older event', () => {
    const before = applyAll([buildEvent({ type: 'purchase', occurredAt: daysAfterStart(5) })]);
    const { state, eventScore } = applyEvent(before, buildEvent({ type: 'message', touchpoint: 'chat' }), settings);

    expect(eventScore.stage).toBe('support');
    expect(state.stage).toBe('purchase');
    expect(state.stageAt).toEqual(daysAfterStart(5));
    expect(state.lastEventAt).toEqual(daysAfterStart(5));
  });

  it('keeps the stage for an unmapped touchpoint', () => {
    const before = applyAll([buildEvent({ type: 'bill_payment', touchpoint: 'bill_payment' })]);
    const { state, eventScore } = applyEvent(
      before,
      buildEvent({ touchpoint: 'web_visit', occurredAt: daysAfterStart(1) }),
      settings,
    );
    expect(state.stage).toBe('usage');
    expect(state.stageAt).toEqual(start);
    expect(eventScore.stage).toBe('usage');
  });

  it('starts an unmapped first event at awareness', () => {
    expect(applyAll([buildEvent({ touchpoint: 'web_visit' })]).stage).toBe('awareness');
  });

  it('adds the activity weight of each event', () => {
    const event = buildEvent({ type: 'bill_payment', value: 30 });
    const { state } = applyEvent(createInitialScoreState(), event, settings);
    expect(state.activity).toBe(eventActivityWeight(event));
  });

  it.each([
    ['negative activity', { activity: -1 }],
    ['valence above 1', { valence: 1.5 }],
    ['fractional event count', { eventCount: 1.5 }],
    ['activity without date', { activity: 2, activityAt: null }],
    ['evidence without date', { valenceWeight: 1, emotionAt: null }],
    ['invalid date', { lastEventAt: new Date(Number.NaN) }],
    ['stage date without stage', { stageAt: start }],
  ])('rejects state with %s', (_case, overrides) => {
    const state = { ...createInitialScoreState(), ...overrides };
    expect(() => applyEvent(state, buildEvent(), settings)).toThrow(RangeError);
  });

  it('rejects an invalid occurredAt', () => {
    expect(() => applyEvent(createInitialScoreState(), buildEvent({ occurredAt: new Date('x') }), settings)).toThrow(
      /Invalid occurredAt/,
    );
  });
});

describe('currentEmotion', () => {
  it('returns null without evidence', () => {
    expect(currentEmotion(createInitialScoreState(), start, settings)).toEqual({
      valence: null,
      label: null,
      confidence: 0,
      trend: null,
    });
  });

  it('returns null after evidence-free events only', () => {
    const state = applyAll([buildEvent(), buildEvent({ occurredAt: daysAfterStart(1) })]);
    expect(currentEmotion(state, daysAfterStart(1), settings).valence).toBeNull();
  });

  it('gives one fresh rating confidence 0.5', () => {
    const state = applyAll([buildEvent({ rating: 2 })]);
    expect(currentEmotion(state, start, settings)).toEqual({
      valence: -0.5,
      label: 'frustrated',
      confidence: 0.5,
      trend: 0,
    });
  });

  it('lowers confidence but not valence with time', () => {
    const state = applyAll([buildEvent({ rating: 2 })]);
    const later = currentEmotion(state, daysAfterStart(settings.emotionHalfLifeDays), settings);
    const decayedWeight = RATING_WEIGHT / 2;

    expect(later.valence).toBe(-0.5);
    expect(later.label).toBe('frustrated');
    expect(later.confidence).toBeCloseTo(decayedWeight / (decayedWeight + RATING_WEIGHT), 12);
  });

  it('treats a now before emotionAt as emotionAt', () => {
    const state = applyAll([buildEvent({ rating: 2 })]);
    expect(currentEmotion(state, daysAfterStart(-1), settings)).toEqual(currentEmotion(state, start, settings));
  });

  it('labels an angry customer', () => {
    const state = applyAll([
      buildEvent({ type: 'message', touchpoint: 'chat', text: 'I am NOT happy, this is the worst service ever 😡' }),
      buildEvent({ type: 'escalation', touchpoint: 'call', waitSeconds: 900, occurredAt: daysAfterStart(0.1) }),
    ]);
    expect(currentEmotion(state, daysAfterStart(0.2), settings).label).toBe('angry');
  });
});
