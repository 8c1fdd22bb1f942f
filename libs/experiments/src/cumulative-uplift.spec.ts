import { buildCumulativeUplift } from './cumulative-uplift.ts';
import { buildUpliftResult } from './statistics/index.ts';
import type { CustomerTimeline, DailySpend } from './uplift.repository.ts';

/** n customers of one arm joining on `day`, the first `converters` converting on `conversionDay`. */
function customers(arm: 'treatment' | 'control', n: number, day: string, converters: number, conversionDay = day): CustomerTimeline[] {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `${arm}-${day}-${i}`,
    arm,
    joinedDay: day,
    visitDay: null,
    conversionDay: i < converters ? conversionDay : null,
  }));
}

describe('buildCumulativeUplift', () => {
  const timelines = [
    ...customers('treatment', 100, '2026-11-01', 12),
    ...customers('control', 100, '2026-11-01', 6),
    ...customers('treatment', 100, '2026-11-03', 15),
    ...customers('control', 100, '2026-11-03', 5, '2026-11-04'),
  ];

  it('has one point per day, gaps included', () => {
    const points = buildCumulativeUplift('conversion', timelines, []);

    expect(points.map((point) => point.date)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    expect(points.map((point) => [point.treatment.conversions, point.control.conversions])).toEqual([
      [12, 6],
      [12, 6],
      [27, 6],
      [27, 11],
    ]);
  });

  it('matches the fixed-sample report at every day', () => {
    const points = buildCumulativeUplift('conversion', timelines, []);
    const last = points.at(-1)!;

    const expected = buildUpliftResult({ metric: 'conversion', treatment: { n: 200, successes: 27 }, control: { n: 200, successes: 11 } });
    expect(last.ci95).toEqual(expected.uplift.ci95);
    expect(last.pValue).toBe(expected.uplift.pValue);
  });

  it('keeps the always-valid interval nested and wider than the fixed one', () => {
    const points = buildCumulativeUplift('conversion', timelines, []);

    for (const [index, point] of points.entries()) {
      expect(point.sequentialCi95![0]).toBeLessThan(point.ci95![0]);
      expect(point.sequentialCi95![1]).toBeGreaterThan(point.ci95![1]);
      if (index > 0) {
        expect(point.sequentialCi95![0]).toBeGreaterThanOrEqual(points[index - 1]!.sequentialCi95![0]);
        expect(point.sequentialCi95![1]).toBeLessThanOrEqual(points[index - 1]!.sequentialCi95![1]);
        expect(point.sequentialPValue!).toBeLessThanOrEqual(points[index - 1]!.sequentialPValue!);
      }
    }
  });

  it('sums spend per customer before squaring', () => {
    const people: CustomerTimeline[] = [
      { customerId: 't1', arm: 'treatment', joinedDay: '2026-11-01', visitDay: null, conversionDay: '2026-11-01' },
      { customerId: 't2', arm: 'treatment', joinedDay: '2026-11-01', visitDay: null, conversionDay: null },
      { customerId: 'c1', arm: 'control', joinedDay: '2026-11-01', visitDay: null, conversionDay: '2026-11-02' },
      { customerId: 'c2', arm: 'control', joinedDay: '2026-11-01', visitDay: null, conversionDay: null },
    ];
    const spend: DailySpend[] = [
      { customerId: 't1', day: '2026-11-01', value: 10 },
      { customerId: 't1', day: '2026-11-02', value: 20 },
      { customerId: 'c1', day: '2026-11-02', value: 5 },
    ];

    const points = buildCumulativeUplift('spend', people, spend);

    // Treatment spends 30 and 0; one customer's two purchases count as one value of 30.
    const expected = buildUpliftResult({
      metric: 'spend',
      treatment: { n: 2, sum: 30, sumOfSquares: 900 },
      control: { n: 2, sum: 5, sumOfSquares: 25 },
    });
    expect(points.at(-1)!.ci95).toEqual(expected.uplift.ci95);
    expect(points[0]!.treatment.conversions).toBe(10);
  });

  it('returns no points without customers', () => {
    expect(buildCumulativeUplift('visit', [], [])).toEqual([]);
  });

  it('leaves the sequential fields null while an arm is empty', () => {
    const points = buildCumulativeUplift('conversion', customers('treatment', 5, '2026-11-01', 1), []);

    expect(points[0]!.sequentialCi95).toBeNull();
    expect(points[0]!.sequentialPValue).toBeNull();
    expect(points[0]!.absolute).toBeNull();
  });
});
