import { type BinomialCount, proportionOf } from './binomial-count.ts';
import { wilsonScoreInterval } from './wilson.ts';

/**
 * Computes the confidence interval of p_treatment − p_control by Newcombe's hybrid score method
 * (Newcombe 1998, "Interval estimation for the difference between independent proportions:
 * comparison of eleven methods", Statistics in Medicine 17:873–890, method 10). With [l, u]
 * the Wilson interval of each arm and d = p̂_t − p̂_c:
 *
 *   lower = d − √((p̂_t − l_t)² + (u_c − p̂_c)²)
 *   upper = d + √((u_t − p̂_t)² + (p̂_c − l_c)²)
 *
 * This matches statsmodels' `confint_proportions_2indep(method='newcomb', compare='diff')`
 * with arm 1 = treatment. The interval stays finite when either arm has 0% or 100% successes.
 * Returns null when either arm has n = 0.
 */
export function newcombeDifferenceInterval(
  treatment: BinomialCount,
  control: BinomialCount,
  confidence = 0.95,
): [number, number] | null {
  const treatmentRate = proportionOf(treatment);
  const controlRate = proportionOf(control);
  const treatmentInterval = wilsonScoreInterval(treatment, confidence);
  const controlInterval = wilsonScoreInterval(control, confidence);
  if (treatmentRate === null || controlRate === null || treatmentInterval === null || controlInterval === null) {
    return null;
  }

  const [treatmentLower, treatmentUpper] = treatmentInterval;
  const [controlLower, controlUpper] = controlInterval;
  const difference = treatmentRate - controlRate;
  const distanceBelow = Math.hypot(treatmentRate - treatmentLower, controlUpper - controlRate);
  const distanceAbove = Math.hypot(treatmentUpper - treatmentRate, controlRate - controlLower);
  return [difference - distanceBelow, difference + distanceAbove];
}
