import type { BinomialCount } from './binomial-count.ts';
import { normalCriticalValue } from './distributions.ts';
import type { SampleMoments } from './sample-moments.ts';

/**
 * Computes the interval of the relative uplift p_t / p_c − 1 by the delta method on the log of
 * the risk ratio:
 *
 *   var(log(p̂_t / p̂_c)) ≈ 1/x_t − 1/n_t + 1/x_c − 1/n_c,   bounds exp(log(p̂_t / p̂_c) ± z·√var) − 1
 *
 * This matches statsmodels' `confint_proportions_2indep(method='log', compare='ratio')` minus 1.
 * Returns null when either arm has no successes, because the log ratio is then undefined
 * (statsmodels returns inf or NaN there).
 */
export function relativeUpliftIntervalForProportions(
  treatment: BinomialCount,
  control: BinomialCount,
  confidence = 0.95,
): [number, number] | null {
  if (treatment.successes === 0 || control.successes === 0) {
    return null;
  }
  const logRatio = Math.log(treatment.successes / treatment.n) - Math.log(control.successes / control.n);
  const variance = 1 / treatment.successes - 1 / treatment.n + 1 / control.successes - 1 / control.n;
  return logScaleInterval(logRatio, variance, confidence);
}

/**
 * Computes the interval of the relative uplift of means, x̄_t / x̄_c − 1, by the delta method on
 * the log of the ratio of means:
 *
 *   var(log(x̄_t / x̄_c)) ≈ s_t² / (n_t·x̄_t²) + s_c² / (n_c·x̄_c²)
 *
 * Returns null unless both means are > 0 and both variances are defined.
 */
export function relativeUpliftIntervalForMeans(
  treatment: SampleMoments,
  control: SampleMoments,
  confidence = 0.95,
): [number, number] | null {
  if (treatment.mean === null || control.mean === null || treatment.variance === null || control.variance === null) {
    return null;
  }
  if (!(treatment.mean > 0 && control.mean > 0)) {
    return null;
  }
  const logRatio = Math.log(treatment.mean) - Math.log(control.mean);
  const variance =
    treatment.variance / (treatment.n * treatment.mean * treatment.mean) +
    control.variance / (control.n * control.mean * control.mean);
  return logScaleInterval(logRatio, variance, confidence);
}

function logScaleInterval(logRatio: number, variance: number, confidence: number): [number, number] {
  const halfWidth = normalCriticalValue(confidence) * Math.sqrt(Math.max(0, variance));
  return [Math.exp(logRatio - halfWidth) - 1, Math.exp(logRatio + halfWidth) - 1];
}
