import { InvalidStatisticsInputError } from './input-validation.ts';
import { sampleMomentsFromSums } from './sample-moments.ts';

/** Sums of values the way SQL computes them: each square rounded, then added in order. */
function sumsOf(values: number[]): { n: number; sum: number; sumOfSquares: number } {
  let sum = 0;
  let sumOfSquares = 0;
  for (const value of values) {
    sum += value;
    sumOfSquares += value * value;
  }
  return { n: values.length, sum, sumOfSquares };
}

describe('sampleMomentsFromSums', () => {
  test('mean and variance of a small sample', () => {
    // Values 0, 0, 12.5, 0, 3: mean 3.1, variance (156.25 + 9 − 5·3.1²) / 4 = 29.3.
    const moments = sampleMomentsFromSums(sumsOf([0, 0, 12.5, 0, 3]));

    expect(moments.mean).toBeCloseTo(3.1, 15);
    expect(moments.variance).toBeCloseTo(29.3, 13);
  });

  test('exact where the naive formula cancels', () => {
    // Values 52766831, 52766860 and 52766862 have exactly representable sums and variance exactly 301.
    // In plain doubles, 3·Σx² and (Σx)² exceed 2^53 and round, so the textbook formula gives 301.33.
    const sums = sumsOf([52766831, 52766860, 52766862]);
    const naiveVariance = (sums.n * sums.sumOfSquares - sums.sum * sums.sum) / (sums.n * (sums.n - 1));

    expect(sums).toEqual({ n: 3, sum: 158300553, sumOfSquares: 8353021693369205 });
    expect(naiveVariance).not.toBe(301);
    expect(sampleMomentsFromSums(sums).variance).toBe(301);
  });

  test.each([0.1, 0.2, 0.3, 1 / 3, 19.99, 1234.56])('constant sample of %d has variance 0', (value) => {
    // n·value and n·value² are single products, so these sums are correctly rounded, as exact
    // numeric sums cast to double are. Rounding still leaves n·Σx² − (Σx)² a few ulps from 0.
    for (const n of [2, 7, 10, 1000, 21306]) {
      const moments = sampleMomentsFromSums({ n, sum: n * value, sumOfSquares: n * (value * value) });

      expect(moments.variance).toBe(0);
    }
  });

  test('all-zero sample has variance 0', () => {
    expect(sampleMomentsFromSums({ n: 4, sum: 0, sumOfSquares: 0 })).toEqual({ n: 4, mean: 0, variance: 0 });
  });

  test('n = 0 gives null mean and variance', () => {
    expect(sampleMomentsFromSums({ n: 0, sum: 0, sumOfSquares: 0 })).toEqual({ n: 0, mean: null, variance: null });
  });

  test('n = 1 gives a mean and null variance', () => {
    expect(sampleMomentsFromSums({ n: 1, sum: 7.5, sumOfSquares: 56.25 })).toEqual({
      n: 1,
      mean: 7.5,
      variance: null,
    });
  });

  test.each([
    ['sums with n = 0', { n: 0, sum: 1, sumOfSquares: 1 }],
    ['negative sumOfSquares', { n: 2, sum: 0, sumOfSquares: -1 }],
    ['sumOfSquares below sum²/n', { n: 3, sum: 30, sumOfSquares: 100 }],
    ['infinite sum', { n: 2, sum: Number.POSITIVE_INFINITY, sumOfSquares: 1 }],
    ['fractional n', { n: 2.5, sum: 1, sumOfSquares: 1 }],
  ])('rejects %s', (_label, sums) => {
    expect(() => sampleMomentsFromSums(sums)).toThrow(InvalidStatisticsInputError);
  });
});
