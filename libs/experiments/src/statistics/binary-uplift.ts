import { assertBinomialCount, type BinomialCount, proportionOf } from './binomial-count.ts';
import { newcombeDifferenceInterval } from './newcombe.ts';
import { pooledTwoProportionZTest } from './two-proportion-z-test.ts';
import { minimumDetectableRateEffect } from './minimum-detectable-effect.ts';
import { relativeUpliftIntervalForProportions } from './ratio-interval.ts';
import { BINARY_UPLIFT_METHOD, type BinaryMetric, incrementalTotal, relativeUplift, type UpliftResult } from './uplift-result.ts';

/** Treatment and control counts of one 0/1 metric. */
export interface BinaryUpliftInput {
  treatment: BinomialCount;
  control: BinomialCount;
}

/**
 * Builds the uplift report of a 0/1 metric: rates, absolute and relative uplift, Newcombe's
 * 95% interval of the difference and the pooled two-proportion z-test.
 * Throws InvalidStatisticsInputError for counts that are not whole numbers ≥ 0 or have successes > n.
 */
export function buildBinaryUpliftResult(metric: BinaryMetric, input: BinaryUpliftInput): UpliftResult {
  const { treatment, control } = input;
  assertBinomialCount('treatment', treatment);
  assertBinomialCount('control', control);

  const treatmentRate = proportionOf(treatment);
  const controlRate = proportionOf(control);
  const zTest = pooledTwoProportionZTest(treatment, control);
  const notes = describeBinaryEdgeCases(metric, treatment, control);
  const absolute = treatmentRate === null || controlRate === null ? null : treatmentRate - controlRate;
  const ci95 = newcombeDifferenceInterval(treatment, control, 0.95);

  return {
    metric,
    control: { n: control.n, conversions: control.successes, rate: controlRate },
    treatment: { n: treatment.n, conversions: treatment.successes, rate: treatmentRate },
    uplift: {
      absolute,
      relative: relativeUplift(treatmentRate, controlRate),
      ci95,
      pValue: zTest === null ? null : zTest.pValue,
      relativeCi95: relativeUpliftIntervalForProportions(treatment, control, 0.95),
      incremental: incrementalTotal(treatment.n, absolute, ci95),
      minimumDetectableEffect: minimumDetectableRateEffect(treatment, control),
      method: { ...BINARY_UPLIFT_METHOD },
    },
    notes,
  };
}

/** Explains each null field. The conditions mirror those in the functions that return null. */
function describeBinaryEdgeCases(metric: BinaryMetric, treatment: BinomialCount, control: BinomialCount): string[] {
  const notes: string[] = [];
  const arms = [
    ['treatment', treatment],
    ['control', control],
  ] as const;
  for (const [arm, count] of arms) {
    if (count.n === 0) {
      notes.push(
        `The ${arm} arm has no customers (n = 0), so its rate is null, and so are the absolute and ` +
          'relative uplift, the interval and the p-value.',
      );
    }
  }
  if (treatment.n === 0 || control.n === 0) {
    return notes;
  }

  if (control.successes === 0) {
    notes.push(`The control ${metric} rate is 0, so the relative uplift (treatment rate / control rate − 1) is null.`);
  }
  if (treatment.successes === 0 || control.successes === 0) {
    notes.push(`An arm has no ${metric}, so the log risk ratio is undefined and the interval of the relative uplift is null.`);
  }
  const mde = minimumDetectableRateEffect(treatment, control);
  if (mde.absolute === null) {
    notes.push(
      control.successes === control.n
        ? `The control ${metric} rate is already 100%, so no increase can be detected and the minimum detectable effect is null.`
        : 'The arms are too small to detect any increase of the control rate with 80% power at α = 0.05, ' +
            'so the minimum detectable effect is null.',
    );
  }
  if (treatment.successes === 0 && control.successes === 0) {
    notes.push(
      `No customer in either arm has a ${metric}, so the pooled z-test has a standard error of 0 ` +
        'and its p-value is null. The Newcombe interval is still defined.',
    );
  } else if (treatment.successes === treatment.n && control.successes === control.n) {
    notes.push(
      `Every customer in both arms has a ${metric}, so the pooled z-test has a standard error of 0 ` +
        'and its p-value is null. The Newcombe interval is still defined.',
    );
  }
  return notes;
}
