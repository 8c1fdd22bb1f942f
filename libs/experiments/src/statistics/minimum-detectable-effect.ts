import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { BinomialCount } from './binomial-count.ts';
import { normalCriticalValue } from './distributions.ts';
import type { SampleMoments } from './sample-moments.ts';

/** Significance level and power that the minimum detectable effect is computed for. */
export const MDE_ALPHA = 0.05;
export const MDE_POWER = 0.8;

/** Smallest true effect that a two-sided test at MDE_ALPHA detects with probability MDE_POWER. */
export interface MinimumDetectableEffect {
  /** In the metric's unit: a rate difference, or currency per customer for spend. */
  absolute: number | null;
  /** absolute / control rate. Null when the control rate is 0 or null. */
  relative: number | null;
  alpha: number;
  power: number;
}

/**
 * Returns u > 0 with Φ(u − c) + Φ(−u − c) = power, c = Φ⁻¹(1 − α/2): the standardized effect
 * that a two-sided normal test detects with that power. This is the power function of
 * statsmodels' `normal_power`, both tails included. It is found by bisection to full precision.
 */
export function standardizedDetectableEffect(alpha = MDE_ALPHA, power = MDE_POWER): number {
  const critical = normalCriticalValue(1 - alpha);
  const powerAt = (u: number): number => normalCdf(u - critical, 0, 1) + normalCdf(-u - critical, 0, 1);
  let low = 0;
  let high = 40;
  for (let step = 0; step < 200 && high - low > Number.EPSILON * high; step++) {
    const middle = (low + high) / 2;
    if (powerAt(middle) < power) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return (low + high) / 2;
}

const DETECTABLE_EFFECT = standardizedDetectableEffect();

/**
 * Computes the minimum detectable rate increase for the current arm sizes and control rate.
 * The effect is measured as Cohen's h = 2·asin√p_t − 2·asin√p_c, as in statsmodels'
 * `NormalIndPower().solve_power(nobs1=n_t, ratio=n_c/n_t, alpha=0.05, power=0.8)`:
 * h = u / √(n_t·n_c / (n_t + n_c)). The rate difference is then sin²(asin√p̂_c + h/2) − p̂_c.
 * Null when an arm is empty, or when even a treatment rate of 100% is not detectable
 * (asin√p̂_c + h/2 > π/2).
 */
export function minimumDetectableRateEffect(treatment: BinomialCount, control: BinomialCount): MinimumDetectableEffect {
  const empty = { absolute: null, relative: null, alpha: MDE_ALPHA, power: MDE_POWER };
  if (treatment.n === 0 || control.n === 0) {
    return empty;
  }
  const controlRate = control.successes / control.n;
  const effectiveN = (treatment.n * control.n) / (treatment.n + control.n);
  const cohensH = DETECTABLE_EFFECT / Math.sqrt(effectiveN);
  const angle = Math.asin(Math.sqrt(controlRate)) + cohensH / 2;
  if (angle > Math.PI / 2) {
    return empty;
  }
  const absolute = Math.sin(angle) ** 2 - controlRate;
  return { absolute, relative: controlRate === 0 ? null : absolute / controlRate, alpha: MDE_ALPHA, power: MDE_POWER };
}

/**
 * Computes the minimum detectable increase of a mean, by the normal approximation with the
 * unpooled standard error: u·√(s_t²/n_t + s_c²/n_c). Null when a variance is undefined (n < 2).
 */
export function minimumDetectableMeanEffect(treatment: SampleMoments, control: SampleMoments): MinimumDetectableEffect {
  if (treatment.variance === null || control.variance === null || control.mean === null) {
    return { absolute: null, relative: null, alpha: MDE_ALPHA, power: MDE_POWER };
  }
  const absolute = DETECTABLE_EFFECT * Math.sqrt(treatment.variance / treatment.n + control.variance / control.n);
  return { absolute, relative: control.mean === 0 ? null : absolute / control.mean, alpha: MDE_ALPHA, power: MDE_POWER };
}
