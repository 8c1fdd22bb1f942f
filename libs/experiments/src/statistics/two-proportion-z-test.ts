import { type BinomialCount, proportionOf } from './binomial-count.ts';
import { normalTwoSidedPValue } from './distributions.ts';

/** Statistic and two-sided p-value of a z-test. */
export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Runs the two-sided two-proportion z-test of H0: p_treatment = p_control, with the variance
 * pooled under H0, as statsmodels' `proportions_ztest([x_t, x_c], [n_t, n_c])` does:
 *
 *   p̄ = (x_t + x_c) / (n_t + n_c)
 *   z = (p̂_t − p̂_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c))
 *
 * Returns null when either arm has n = 0, or when p̄ is 0 or 1 (no successes or only successes
 * in both arms). There the standard error is 0 and z is 0/0, for which statsmodels returns NaN.
 */
export function pooledTwoProportionZTest(treatment: BinomialCount, control: BinomialCount): ZTestResult | null {
  const treatmentRate = proportionOf(treatment);
  const controlRate = proportionOf(control);
  if (treatmentRate === null || controlRate === null) {
    return null;
  }

  const pooledRate = (treatment.successes + control.successes) / (treatment.n + control.n);
  const pooledVariance = pooledRate * (1 - pooledRate) * (1 / treatment.n + 1 / control.n);
  if (!(pooledVariance > 0)) {
    return null;
  }

  const z = (treatmentRate - controlRate) / Math.sqrt(pooledVariance);
  return { z, pValue: normalTwoSidedPValue(z) };
}
