// The @stdlib packages are CommonJS modules whose `module.exports` is the function itself,
// so under ESM they arrive as the default import.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import studentTCdf from '@stdlib/stats-base-dists-t-cdf';
import studentTQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Returns the two-sided critical value z with P(|Z| > z) = 1 − confidence for a standard normal Z. */
export function normalCriticalValue(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

/**
 * Returns the two-sided p-value P(|Z| ≥ |z|) of a standard normal statistic.
 * It evaluates the lower tail at −|z| instead of 1 − Φ(|z|), because stdlib's normal CDF is
 * built on erfc and keeps its relative precision far into the tail (to 1e-13 at p = 1e-299).
 */
export function normalTwoSidedPValue(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/**
 * Returns the two-sided critical value of Student's t with `df` degrees of freedom, which need
 * not be a whole number (Welch's test uses the Satterthwaite df).
 *
 * NOTE: scipy 1.10.1's `stats.t.ppf`, which statsmodels uses for its intervals, is less precise
 * than stdlib here. At df = 5, stdlib returns 2.570581835636314 and scipy 2.5705818366147395.
 * Put back into the t CDF (scipy's or stdlib's, which agree to 1e-15), stdlib's value misses
 * 0.025 by 2e-17 and scipy's by 3e-11. Against mpmath at 50 digits, scipy's value is off by up
 * to 4e-9 relative error for 10 ≤ df < 100, up to 4e-11 for 100 ≤ df < 1000, and about 1e-16
 * from df = 1000 on. stdlib's stays within 1e-15.
 */
export function studentTCriticalValue(confidence: number, df: number): number {
  return studentTQuantile(1 - (1 - confidence) / 2, df);
}

/** Returns the two-sided p-value P(|T| ≥ |t|) of Student's t with `df` degrees of freedom, via the lower tail. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  return 2 * studentTCdf(-Math.abs(t), df);
}
