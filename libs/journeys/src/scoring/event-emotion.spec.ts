import { EMOTION_LABELS, labelForValence } from './emotion-label.ts';
import {
  BEHAVIOUR_SIGNALS,
  RATING_WEIGHT,
  TEXT_WEIGHT,
  WAIT_PENALTY,
  ratingValence,
  scoreEventEmotion,
  waitSeverity,
} from './event-emotion.ts';
import type { ScorableEvent } from './scorable-event.ts';
import { DEFAULT_SCORING_SETTINGS } from './scoring-settings.ts';

const settings = DEFAULT_SCORING_SETTINGS;

function buildEvent(overrides: Partial<ScorableEvent> = {}): ScorableEvent {
  return {
    type: 'page_view',
    touchpoint: 'web_visit',
    channel: 'web',
    occurredAt: new Date('2026-03-02T10:00:00Z'),
    ...overrides,
  };
}

describe('labelForValence', () => {
  it.each([
    [1, 'delighted'],
    [0.75, 'delighted'],
    [0.7499, 'satisfied'],
    [0.25, 'satisfied'],
    [0.2499, 'neutral'],
    [0, 'neutral'],
    [-0.2499, 'neutral'],
    [-0.25, 'frustrated'],
    [-0.7499, 'frustrated'],
    [-0.75, 'angry'],
    [-1, 'angry'],
  ])('labels %d as %s', (valence, label) => {
    expect(labelForValence(valence)).toBe(label);
  });
});

describe('ratingValence', () => {
  it.each([
    [1, -1],
    [2, -0.5],
    [3, 0],
    [4, 0.5],
    [5, 1],
    [0, -1],
    [7, 1],
  ])('maps %d stars to %d', (rating, valence) => {
    expect(ratingValence(rating)).toBe(valence);
  });

  it('gives each star its own label', () => {
    const labels = [1, 2, 3, 4, 5].map((rating) => scoreEventEmotion(buildEvent({ rating }), settings).label);
    expect(labels).toEqual([...EMOTION_LABELS].reverse());
  });
});

describe('scoreEventEmotion', () => {
  it('ranks 1-star angry text below 5-star delighted text', () => {
    const angry = scoreEventEmotion(
      buildEvent({ type: 'feedback', rating: 1, text: 'This is terrible, I am furious!' }),
      settings,
    );
    const delighted = scoreEventEmotion(
      buildEvent({ type: 'feedback', rating: 5, text: 'I love it, the team was amazing!' }),
      settings,
    );

    expect(angry.valence).toBeLessThan(delighted.valence);
    expect(angry.label).toBe('angry');
    expect(delighted.label).toBe('delighted');
    expect(angry.sentiment).toBeLessThan(0);
    expect(delighted.sentiment).toBeGreaterThan(0);
  });

  it('lets the rating outweigh contrary text', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'feedback', rating: 1, text: 'Great, thanks' }), settings);
    expect(result.valence).toBeLessThan(0);
  });

  it('weighs a rating at RATING_WEIGHT', () => {
    const result = scoreEventEmotion(buildEvent({ rating: 4 }), settings);
    expect(result.weight).toBe(RATING_WEIGHT);
    expect(result.valence).toBe(0.5);
    expect(result.sources).toEqual(['rating']);
  });

  it('weighs neutral text at the minimum', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'message', text: 'what time do you open tomorrow' }), settings);
    expect(result.sentiment).toBe(0);
    expect(result.weight).toBe(TEXT_WEIGHT.min);
    expect(result.sources).toEqual(['text']);
  });

  it('weighs strong text more than mild text', () => {
    const mild = scoreEventEmotion(buildEvent({ type: 'message', text: 'ok' }), settings);
    const strong = scoreEventEmotion(buildEvent({ type: 'message', text: 'I hate this, worst service ever!!' }), settings);
    expect(strong.weight).toBeGreaterThan(mild.weight);
    expect(strong.weight).toBeLessThanOrEqual(TEXT_WEIGHT.max);
  });

  it.each([
    ['page view without signals', buildEvent()],
    ['whitespace text', buildEvent({ type: 'message', text: '  \n' })],
    ['null fields', buildEvent({ type: 'call', text: null, rating: null, waitSeconds: null })],
    ['NaN rating', buildEvent({ rating: Number.NaN })],
    ['wait at threshold', buildEvent({ type: 'call', waitSeconds: settings.waitThresholdSeconds })],
  ])('gives %s no weight', (_case, event) => {
    const result = scoreEventEmotion(event, settings);
    expect(result.weight).toBe(0);
    expect(result.valence).toBe(0);
    expect(result.sources).toEqual([]);
  });

  it.each(Object.entries(BEHAVIOUR_SIGNALS))('applies behaviour of %s', (type, signal) => {
    const result = scoreEventEmotion(buildEvent({ type }), settings);
    expect(result.valence).toBeCloseTo(signal.valence, 12);
    expect(result.weight).toBe(signal.weight);
    expect(result.sources).toEqual(['behaviour']);
  });

  it.each(['complaint', 'escalation', 'payment_failed', 'refund', 'cancellation'])('treats %s as negative', (type) => {
    expect(scoreEventEmotion(buildEvent({ type }), settings).valence).toBeLessThan(0);
  });

  it('treats purchase as mildly positive', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'purchase' }), settings);
    expect(result.valence).toBeGreaterThan(0);
    expect(result.valence).toBeLessThan(0.5);
  });

  it('normalizes the event type', () => {
    expect(scoreEventEmotion(buildEvent({ type: ' Payment-Failed ' }), settings).sources).toEqual(['behaviour']);
  });

  it('ignores prototype names as types', () => {
    expect(scoreEventEmotion(buildEvent({ type: 'constructor' }), settings).weight).toBe(0);
  });

  it('fuses text, rating and behaviour by weight', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'complaint', rating: 2, text: 'what time do you open tomorrow' }), settings);
    const complaint = BEHAVIOUR_SIGNALS.complaint;
    const expected =
      (0 * TEXT_WEIGHT.min + -0.5 * RATING_WEIGHT + complaint.valence * complaint.weight) /
      (TEXT_WEIGHT.min + RATING_WEIGHT + complaint.weight);
    expect(result.valence).toBeCloseTo(expected, 12);
    expect(result.sources).toEqual(['text', 'rating', 'behaviour']);
  });

  it('rejects invalid settings', () => {
    expect(() => scoreEventEmotion(buildEvent(), { ...settings, waitThresholdSeconds: -1 })).toThrow(RangeError);
  });
});

describe('wait penalty', () => {
  const threshold = settings.waitThresholdSeconds;

  it.each([
    [0, 0],
    [threshold - 1, 0],
    [threshold, 0],
  ])('has severity 0 for %d seconds', (wait, severity) => {
    expect(waitSeverity(wait, threshold)).toBe(severity);
  });

  it('reaches 1 - 1/e one scale past the threshold', () => {
    expect(waitSeverity(threshold + WAIT_PENALTY.excessScaleSeconds, threshold)).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it('leaves the valence unchanged at the threshold', () => {
    const withoutWait = scoreEventEmotion(buildEvent({ type: 'call', rating: 4 }), settings);
    const atThreshold = scoreEventEmotion(buildEvent({ type: 'call', rating: 4, waitSeconds: threshold }), settings);
    expect(atThreshold).toEqual(withoutWait);
  });

  it('applies one second over the threshold', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'call', rating: 4, waitSeconds: threshold + 1 }), settings);
    expect(result.sources).toEqual(['rating', 'wait']);
    expect(result.valence).toBeLessThan(0.5);
  });

  it('lowers the valence as the wait grows', () => {
    const waits = [threshold, threshold + 1, 180, 300, 600, 1800, 36_000];
    for (const rating of [1, 3, 5]) {
      const valences = waits.map((waitSeconds) => scoreEventEmotion(buildEvent({ rating, waitSeconds }), settings).valence);
      for (let index = 1; index < valences.length; index++) {
        expect(valences[index]).toBeLessThanOrEqual(valences[index - 1]);
      }
      if (rating > 1) {
        expect(valences[valences.length - 1]).toBeLessThan(valences[0]);
      }
    }
  });

  it('keeps a wait alone at or above -0.6', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'call', waitSeconds: 1_000_000 }), settings);
    expect(result.valence).toBeGreaterThanOrEqual(-WAIT_PENALTY.maxPenalty);
    expect(result.valence).toBeLessThan(-0.59);
    expect(result.label).toBe('frustrated');
    expect(result.sources).toEqual(['wait']);
  });

  it('adds the wait as weighted evidence', () => {
    const waitSeconds = threshold + WAIT_PENALTY.excessScaleSeconds;
    const severity = 1 - Math.exp(-1);
    const result = scoreEventEmotion(buildEvent({ type: 'call', rating: 5, waitSeconds }), settings);
    const waitWeight = WAIT_PENALTY.maxWeight * severity;
    const expected = (RATING_WEIGHT - WAIT_PENALTY.maxPenalty * severity * waitWeight) / (RATING_WEIGHT + waitWeight);

    expect(result.valence).toBeCloseTo(expected, 12);
    expect(result.weight).toBeCloseTo(RATING_WEIGHT + waitWeight, 12);
  });

  it('lets a 5-star rating outweigh a long wait', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'call', rating: 5, waitSeconds: 3600 }), settings);
    expect(result.valence).toBeGreaterThan(0.25);
  });

  it('ignores a wait milder than the other evidence', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'call', rating: 1, waitSeconds: 600 }), settings);
    expect(result.valence).toBe(-1);
    expect(result.weight).toBe(RATING_WEIGHT);
    expect(result.sources).toEqual(['rating']);
  });

  it('keeps the valence at or above -1', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'escalation', rating: 1, waitSeconds: 1_000_000 }), settings);
    expect(result.valence).toBeGreaterThanOrEqual(-1);
  });

  it('uses the configured threshold', () => {
    const result = scoreEventEmotion(buildEvent({ type: 'call', waitSeconds: 300 }), { ...settings, waitThresholdSeconds: 600 });
    expect(result.weight).toBe(0);
  });
});
