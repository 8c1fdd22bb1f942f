import { studentTCriticalValue, studentTTwoSidedPValue } from './distributions.ts';

/** Size, mean and sample variance (divisor n − 1) of one arm. Welch's test needs n ≥ 2. */
export interface MeanEstimate {
  n: number;
  mean: number;
  variance: number;
}

/** Welch's t-test of two means and the matching confidence interval of their difference. */
export interface WelchResult {
  /** Null when the standard error is 0, because t is then ±∞ or 0/0. */
  t: number | null;
  /** Welch–Satterthwaite degrees of freedom. Null when the standard error is 0. */
  df: number | null;
  /** Two-sided p-value. 0 when both variances are 0 and the means differ, null when they are equal. */
  pValue: number | null;
  /** Interval of mean_treatment − mean_control. Null when the standard error is 0. */
  confidenceInterval: [number, number] | null;
}

/**
 * Runs Welch's unequal-variance t-test on treatment − control, with
 *
 *   se² = s_t²/n_t + s_c²/n_c,   t = (x̄_t − x̄_c) / se,
 *   df = se⁴ / ((s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1))   (Welch–Satterthwaite)
 *
 * and the interval (x̄_t − x̄_c) ± t_{df, 1−α/2}·se. This is what scipy's
 * `ttest_ind(t, c, equal_var=False)` and statsmodels'
 * `CompareMeans(DescrStatsW(t), DescrStatsW(c)).tconfint_diff(usevar='unequal')` compute.
 *
 * When both variances are 0 the standard error is 0. scipy 1.10.1 then returns t = ±∞ with
 * p = 0 if the means differ and NaN if they are equal, so this returns pValue 0 or null.
 * statsmodels returns a NaN interval there (its df is 0/0), so the interval is null.
 *
 * Throws a RangeError when either arm has n < 2, because its sample variance is undefined.
 */
export function welchTTest(treatment: MeanEstimate, control: MeanEstimate, confidence = 0.95): WelchResult {
  if (treatment.n < 2 || control.n < 2) {
    throw new RangeError(
      `Welch's t-test needs n ≥ 2 in each arm, but treatment has n = ${treatment.n} and control n = ${control.n}.`,
    );
  }

  const difference = treatment.mean - control.mean;
  const treatmentTerm = treatment.variance / treatment.n;
  const controlTerm = control.variance / control.n;
  const standardErrorSquared = treatmentTerm + controlTerm;

  if (!(standardErrorSquared > 0)) {
    return { t: null, df: null, pValue: difference === 0 ? null : 0, confidenceInterval: null };
  }

  const standardError = Math.sqrt(standardErrorSquared);
  const t = difference / standardError;
  const df =
    (standardErrorSquared * standardErrorSquared) /
    ((treatmentTerm * treatmentTerm) / (treatment.n - 1) + (controlTerm * controlTerm) / (control.n - 1));

  const halfWidth = studentTCriticalValue(confidence, df) * standardError;
  return {
    t,
    df,
    pValue: studentTTwoSidedPValue(t, df),
    confidenceInterval: [difference - halfWidth, difference + halfWidth],
  };
}
