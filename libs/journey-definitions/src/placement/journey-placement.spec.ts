import { buildPlacementIndex, JourneyPlacementIndex, type PlaceableJourney } from './journey-placement.ts';

const lifecycle: PlaceableJourney = {
  key: 'lifecycle',
  priority: 0,
  stages: [
    { key: 'consideration', touchpoints: ['product_view', 'quote'] },
    { key: 'purchase', touchpoints: ['checkout'] },
    { key: 'support', touchpoints: ['call', 'chat'] },
  ],
};

const care: PlaceableJourney = {
  key: 'care',
  priority: 10,
  stages: [
    { key: 'contact', touchpoints: ['call', 'social_message'] },
    { key: 'resolution', touchpoints: ['resolution'] },
  ],
};

/** Same priority as care, so the key decides between them. */
const billing: PlaceableJourney = {
  key: 'billing',
  priority: 10,
  stages: [{ key: 'dispute', touchpoints: ['call', 'invoice'] }],
};

describe('JourneyPlacementIndex.place', () => {
  const index = new JourneyPlacementIndex([lifecycle, care, billing]);

  it('places by touchpoint on the only journey that lists it', () => {
    expect(index.place({ touchpoint: 'quote' })).toEqual({ journey: 'lifecycle', stage: 'consideration' });
  });

  it('prefers the higher priority for a shared touchpoint', () => {
    expect(index.place({ touchpoint: 'chat' })).toEqual({ journey: 'lifecycle', stage: 'support' });
    expect(index.place({ touchpoint: 'social_message' })).toEqual({ journey: 'care', stage: 'contact' });
  });

  it('breaks a priority tie by the lower key', () => {
    expect(index.place({ touchpoint: 'call' })).toEqual({ journey: 'billing', stage: 'dispute' });
  });

  it('uses a named journey over priority', () => {
    expect(index.place({ touchpoint: 'call', journey: 'lifecycle' })).toEqual({ journey: 'lifecycle', stage: 'support' });
  });

  it('keeps a named journey that does not list the touchpoint, without a stage', () => {
    expect(index.place({ touchpoint: 'web_visit', journey: 'care' })).toEqual({ journey: 'care', stage: null });
  });

  it('ignores an unknown named journey and places by touchpoint', () => {
    expect(index.place({ touchpoint: 'quote', journey: 'retired' })).toEqual({ journey: 'lifecycle', stage: 'consideration' });
  });

  it('returns no journey for an unlisted touchpoint', () => {
    expect(index.place({ touchpoint: 'web_visit' })).toEqual({ journey: null, stage: null });
  });

  it('leaves the stage to the scorer when the event names one', () => {
    expect(index.place({ touchpoint: 'quote', stage: 'renewal' })).toEqual({ journey: 'lifecycle', stage: null });
  });

  it('treats a blank event stage as absent', () => {
    expect(index.place({ touchpoint: 'quote', stage: '  ' })).toEqual({ journey: 'lifecycle', stage: 'consideration' });
  });

  it('uses the type stage when the journey has it', () => {
    expect(index.place({ touchpoint: 'chat', typeStage: 'purchase' })).toEqual({ journey: 'lifecycle', stage: 'purchase' });
  });

  it('ignores a type stage the journey lacks', () => {
    expect(index.place({ touchpoint: 'resolution', typeStage: 'purchase' })).toEqual({ journey: 'care', stage: 'resolution' });
  });

  it('matches touchpoints exactly', () => {
    expect(index.place({ touchpoint: 'product-view' })).toEqual({ journey: null, stage: null });
  });

  it('does not reach Object.prototype through a touchpoint name', () => {
    expect(index.place({ touchpoint: 'constructor' })).toEqual({ journey: null, stage: null });
  });
});

describe('buildPlacementIndex', () => {
  it('skips rows whose stored stages are invalid', () => {
    const { index, invalidKeys } = buildPlacementIndex([
      { key: 'lifecycle', priority: 0, stages: [{ key: 'support', name: 'Support', touchpoints: ['call'] }] },
      { key: 'broken', priority: 99, stages: [{ key: 'Not A Slug', touchpoints: 'call' }] },
    ]);

    expect(invalidKeys).toEqual(['broken']);
    expect(index.size).toBe(1);
    expect(index.place({ touchpoint: 'call' })).toEqual({ journey: 'lifecycle', stage: 'support' });
  });
});
