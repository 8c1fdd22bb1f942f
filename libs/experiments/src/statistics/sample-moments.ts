import { assertCount, assertFinite, InvalidStatisticsInputError } from './input-validation.ts';

/** Per-arm aggregates of a continuous metric that SQL computes in one pass: COUNT, SUM(x), SUM(x * x). */
export interface SampleSums {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** Sample mean and sample variance (divisor n − 1). Each is null where it is undefined. */
export interface SampleMoments {
  n: number;
  /** Null when n = 0. */
  mean: number | null;
  /** Null when n < 2. */
  variance: number | null;
}

/**
 * Largest value of (n·Σx² − (Σx)²) / (n·Σx²) that is treated as zero variance. If Σx and Σx² are
 * each correctly rounded to double precision, rounding alone can leave up to about 1.5 ε·n·Σx²
 * in the difference, where ε = 2^-52. So a constant sample such as ten values of 0.1 still
 * gets variance 0.
 *
 * NOTE: sums accumulated in floating point, such as SUM over a float8 column, can be off by up
 * to about n·ε relative error. A constant sample can then get a tiny positive variance instead
 * of 0 (about 1e-6 for 21,306 values of 1234.56). Summing spend as numeric avoids this.
 */
const ZERO_VARIANCE_RELATIVE_THRESHOLD = 4 * Number.EPSILON;

/**
 * Smallest (most negative) relative value of n·Σx² − (Σx)² accepted as rounding error.
 * By Cauchy–Schwarz it is ≥ 0 for real data. Summing n doubles in floating point has a
 * worst-case relative error of about n·ε, which stays below 1e-6 up to 4e9 rows.
 */
const NEGATIVE_VARIANCE_RELATIVE_TOLERANCE = 1e-6;

/**
 * Computes the mean and the sample variance from n, Σx and Σx².
 *
 * The variance is (n·Σx² − (Σx)²) / (n·(n − 1)). Both products are formed exactly as
 * double-double values (Dekker's TwoProduct) and subtracted with Knuth's TwoSum, so the
 * cancellation between them loses nothing. The result is within a few ulps of the exact
 * variance of the given sums. Error already in the sums is amplified by about
 * 1 + 3·mean²/variance. For example, sums that are each correctly rounded (relative error at most
 * ε/2 ≈ 1.1e-16) give a variance with relative error up to about 1.1e-16·(1 + 3·mean²/variance).
 * For spend in the Hillstrom Mens e-mail arm (mean $1.42, sd about $18) that is about 1.1e-16.
 *
 * Throws {@link InvalidStatisticsInputError} for counts that are not whole numbers, non-finite
 * sums, a negative Σx², non-zero sums with n = 0, or Σx² clearly below (Σx)²/n.
 */
export function sampleMomentsFromSums(sums: SampleSums): SampleMoments {
  const { n, sum, sumOfSquares } = sums;
  assertCount('n', n);
  assertFinite('sum', sum);
  assertFinite('sumOfSquares', sumOfSquares);
  if (sumOfSquares < 0) {
    throw new InvalidStatisticsInputError(`sumOfSquares must be ≥ 0, but it is ${sumOfSquares}.`);
  }

  if (n === 0) {
    if (sum !== 0 || sumOfSquares !== 0) {
      throw new InvalidStatisticsInputError(
        `An arm with n = 0 must have sum = 0 and sumOfSquares = 0, but they are ${sum} and ${sumOfSquares}.`,
      );
    }
    return { n, mean: null, variance: null };
  }

  const mean = sum / n;
  if (n === 1) {
    return { n, mean, variance: null };
  }

  const scaledSumOfSquares = twoProduct(n, sumOfSquares);
  const squaredSum = twoProduct(sum, sum);
  const leading = twoSum(scaledSumOfSquares.high, -squaredSum.high);
  const nTimesSumOfSquaredDeviations =
    leading.high + (leading.low + (scaledSumOfSquares.low - squaredSum.low));

  const scale = scaledSumOfSquares.high;
  if (nTimesSumOfSquaredDeviations < -NEGATIVE_VARIANCE_RELATIVE_TOLERANCE * scale) {
    throw new InvalidStatisticsInputError(
      `sumOfSquares (${sumOfSquares}) is smaller than sum²/n (${(sum * sum) / n}), ` +
        'so the sums cannot come from one sample. Check how they were aggregated.',
    );
  }
  if (nTimesSumOfSquaredDeviations <= ZERO_VARIANCE_RELATIVE_THRESHOLD * scale) {
    return { n, mean, variance: 0 };
  }
  return { n, mean, variance: nTimesSumOfSquaredDeviations / n / (n - 1) };
}

interface DoubleDouble {
  high: number;
  low: number;
}

/** Splits a double into two halves of 26 significant bits each (Veltkamp), so their products are exact. */
function split(value: number): DoubleDouble {
  const scaled = 134217729 * value; // 2^27 + 1
  const high = scaled - (scaled - value);
  return { high, low: value - high };
}

/**
 * Returns a·b as high + low with high = fl(a·b), exactly (Dekker's TwoProduct). Exact unless a·b
 * overflows or |a|, |b| exceed about 1e300, far beyond any spend total.
 */
function twoProduct(a: number, b: number): DoubleDouble {
  const high = a * b;
  const aParts = split(a);
  const bParts = split(b);
  const low =
    aParts.low * bParts.low -
    (((high - aParts.high * bParts.high) - aParts.low * bParts.high) - aParts.high * bParts.low);
  return { high, low };
}

/** Returns a + b as high + low with high = fl(a + b), exactly (Knuth's TwoSum). */
function twoSum(a: number, b: number): DoubleDouble {
  const high = a + b;
  const bVirtual = high - a;
  const aVirtual = high - bVirtual;
  const low = (a - aVirtual) + (b - bVirtual);
  return { high, low };
}
