import type { MapMeasureRow } from './journey-map.repository.ts';
import { buildJourneyMap } from './journey-map.ts';

const stages = [
  { key: 'awareness', name: 'Awareness', touchpoints: ['ad_click', 'referral'] },
  { key: 'purchase', name: 'Purchase', touchpoints: ['checkout'] },
];

function measure(overrides: Partial<MapMeasureRow>): MapMeasureRow {
  return {
    level: 'cell',
    stage: null,
    touchpoint: null,
    events: 0,
    customers: 0,
    meanValence: null,
    negativeEvents: 0,
    labelledEvents: 0,
    waitP50: null,
    waitP90: null,
    converted: null,
    ...overrides,
  };
}

describe('buildJourneyMap', () => {
  const rows = [
    measure({ level: 'total', events: 9, customers: 4 }),
    measure({ level: 'stage', stage: 'awareness', events: 5, customers: 3, converted: 2 }),
    measure({
      stage: 'awareness', touchpoint: 'ad_click', events: 4, customers: 3, meanValence: -0.2,
      negativeEvents: 1, labelledEvents: 4, waitP50: 30, waitP90: 54, converted: 2,
    }),
    measure({ stage: 'awareness', touchpoint: 'email', events: 1, customers: 1, converted: 0 }),
    measure({ level: 'stage', stage: 'purchase', events: 2, customers: 2, converted: 0 }),
    measure({ stage: 'purchase', touchpoint: 'checkout', events: 2, customers: 2, converted: 0 }),
    measure({ level: 'stage', stage: 'returns', events: 2, customers: 1 }),
    measure({ stage: 'returns', touchpoint: 'call', events: 2, customers: 1, converted: 0 }),
  ];
  const map = buildJourneyMap(stages, rows);

  it('keeps journey order and stage order, with unlisted touchpoints last', () => {
    expect(map.stages.map((stage) => stage.key)).toEqual(['awareness', 'purchase']);
    expect(map.stages[0]!.touchpoints.map((cell) => [cell.touchpoint, cell.defined])).toEqual([
      ['ad_click', true],
      ['referral', true],
      ['email', false],
    ]);
  });

  it('fills a cell from its row', () => {
    expect(map.stages[0]!.touchpoints[0]).toEqual({
      touchpoint: 'ad_click',
      defined: true,
      events: 4,
      customers: 3,
      meanValence: -0.2,
      negativeShare: 0.25,
      waitSeconds: { p50: 30, p90: 54 },
      conversion: { customers: 3, converted: 2, rate: 2 / 3 },
    });
  });

  it('reads a cell without events as zero', () => {
    expect(map.stages[0]!.touchpoints[1]).toEqual({
      touchpoint: 'referral',
      defined: true,
      events: 0,
      customers: 0,
      meanValence: null,
      negativeShare: null,
      waitSeconds: { p50: null, p90: null },
      conversion: { customers: 0, converted: 0, rate: null },
    });
  });

  it('gives the last stage no conversion', () => {
    expect(map.stages[1]!.conversion).toBeNull();
    expect(map.stages[1]!.touchpoints[0]!.conversion).toBeNull();
  });

  it('reports totals and stages the journey does not define', () => {
    expect(map.totals).toEqual({ events: 9, customers: 4 });
    expect(map.stages[0]!.conversion).toEqual({ customers: 3, converted: 2, rate: 2 / 3 });
    expect(map.otherStages).toEqual([{ stage: 'returns', events: 2, customers: 1 }]);
  });
});
