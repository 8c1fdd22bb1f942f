import type { MinimumDetectableEffect } from './minimum-detectable-effect.ts';

/** Metrics that an uplift report covers. visit and conversion are 0/1 per customer, spend is in currency units. */
export type UpliftMetric = 'visit' | 'conversion' | 'spend';

/** Metrics that are 0/1 per customer. */
export type BinaryMetric = Exclude<UpliftMetric, 'spend'>;

/** One arm of an uplift report. */
export interface UpliftArm {
  /** Customers in the arm. */
  n: number;
  /** Customers with the event for visit and conversion. Total spend (Σ spend) for spend. */
  conversions: number;
  /** conversions / n, so the event rate or the spend per customer. Null when n = 0. */
  rate: number | null;
}

/** Names of the interval and test behind an uplift, as they appear in the report. */
export interface UpliftMethod {
  interval: string;
  test: string;
  relativeInterval: string;
}

/** Treatment − control comparison of one metric. */
export interface UpliftStatistics {
  /** treatment rate − control rate. */
  absolute: number | null;
  /** treatment rate / control rate − 1. Null when the control rate is 0 or null. */
  relative: number | null;
  /** 95% confidence interval of the absolute uplift. */
  ci95: [number, number] | null;
  /** Two-sided p-value of H0: no difference between the arms. */
  pValue: number | null;
  /** 95% confidence interval of the relative uplift, by the delta method on the log ratio. */
  relativeCi95: [number, number] | null;
  /**
   * Treatment customers × absolute uplift: the conversions (visits, or spend for the spend
   * metric) that treatment added, with the 95% interval scaled the same way.
   */
  incremental: { value: number | null; ci95: [number, number] | null };
  minimumDetectableEffect: MinimumDetectableEffect;
  method: UpliftMethod;
}

/** Body of an uplift report. No number in it is NaN or infinite. Undefined values are null. */
export interface UpliftResult {
  metric: UpliftMetric;
  control: UpliftArm;
  treatment: UpliftArm;
  uplift: UpliftStatistics;
  /**
   * One human-readable sentence for each edge case that made a field null. The case of zero
   * variance in both spend arms also explains its p-value of 0.
   */
  notes: string[];
}

/** Methods for visit and conversion: Newcombe's hybrid score interval and the pooled two-proportion z-test. */
export const BINARY_UPLIFT_METHOD: Readonly<UpliftMethod> = Object.freeze({
  interval: 'newcombe-hybrid-score',
  test: 'two-proportion-z-test-pooled',
  relativeInterval: 'delta-method-log-risk-ratio',
});

/** Methods for spend: Welch's t interval and Welch's t-test. */
export const SPEND_UPLIFT_METHOD: Readonly<UpliftMethod> = Object.freeze({
  interval: 'welch-t',
  test: 'welch-t-test',
  relativeInterval: 'delta-method-log-ratio-of-means',
});

/** Returns treatment / control − 1, or null when either rate is null or the control rate is 0. */
export function relativeUplift(treatmentRate: number | null, controlRate: number | null): number | null {
  if (treatmentRate === null || controlRate === null || controlRate === 0) {
    return null;
  }
  return treatmentRate / controlRate - 1;
}

/** Scales the absolute uplift and its interval by the treatment size: the effect in units, not per customer. */
export function incrementalTotal(
  treatmentN: number,
  absolute: number | null,
  interval: [number, number] | null,
): { value: number | null; ci95: [number, number] | null } {
  return {
    value: absolute === null ? null : absolute * treatmentN,
    ci95: interval === null ? null : [interval[0] * treatmentN, interval[1] * treatmentN],
  };
}
