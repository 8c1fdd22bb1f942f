import { type BinomialCount, proportionOf } from './binomial-count.ts';
import { normalCriticalValue } from './distributions.ts';

/**
 * Computes the Wilson score interval for a binomial proportion, the same
 * formula as statsmodels' `proportion_confint(method='wilson')`:
 *
 *   centre = (p̂ + z²/(2n)) / (1 + z²/n)
 *   half-width = z·√(p̂(1 − p̂)/n + z²/(4n²)) / (1 + z²/n)
 *
 * with z the two-sided normal critical value. Returns null when n = 0.
 */
export function wilsonScoreInterval(count: BinomialCount, confidence = 0.95): [number, number] | null {
  const proportion = proportionOf(count);
  if (proportion === null) {
    return null;
  }
  const { n } = count;
  const z = normalCriticalValue(confidence);
  const zSquared = z * z;

  const denominator = 1 + zSquared / n;
  const centre = (proportion + zSquared / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((proportion * (1 - proportion)) / n + zSquared / (4 * n * n))) / denominator;

  // The exact bounds lie in [0, 1] and reach 0 or 1 when p̂ does. Rounding can leave them an ulp
  // outside, which the clamp removes. statsmodels does not clamp, so it may differ by that ulp.
  return [Math.max(0, centre - halfWidth), Math.min(1, centre + halfWidth)];
}
