import { sampleMomentsFromSums, type SampleMoments, type SampleSums } from './sample-moments.ts';
import { minimumDetectableMeanEffect } from './minimum-detectable-effect.ts';
import { relativeUpliftIntervalForMeans } from './ratio-interval.ts';
import { incrementalTotal, relativeUplift, SPEND_UPLIFT_METHOD, type UpliftArm, type UpliftResult } from './uplift-result.ts';
import { welchTTest, type WelchResult } from './welch.ts';

/** Treatment and control sums of spend per customer, customers without spend counted as 0. */
export interface SpendUpliftInput {
  treatment: SampleSums;
  control: SampleSums;
}

/**
 * Builds the uplift report of spend per customer: means, absolute and relative uplift, and
 * Welch's t-test with its 95% interval of the difference of means.
 * Throws InvalidStatisticsInputError for sums that no sample can have (see sampleMomentsFromSums).
 */
export function buildSpendUpliftResult(input: SpendUpliftInput): UpliftResult {
  const treatment = sampleMomentsFromSums(input.treatment);
  const control = sampleMomentsFromSums(input.control);
  const welch = runWelchIfDefined(treatment, control);
  const absolute = treatment.mean === null || control.mean === null ? null : treatment.mean - control.mean;
  const ci95 = welch === null ? null : welch.confidenceInterval;

  return {
    metric: 'spend',
    control: toArm(input.control, control),
    treatment: toArm(input.treatment, treatment),
    uplift: {
      absolute,
      relative: relativeUplift(treatment.mean, control.mean),
      ci95,
      pValue: welch === null ? null : welch.pValue,
      relativeCi95: relativeUpliftIntervalForMeans(treatment, control, 0.95),
      incremental: incrementalTotal(treatment.n, absolute, ci95),
      minimumDetectableEffect: minimumDetectableMeanEffect(treatment, control),
      method: { ...SPEND_UPLIFT_METHOD },
    },
    notes: describeSpendEdgeCases(treatment, control),
  };
}

function toArm(sums: SampleSums, moments: SampleMoments): UpliftArm {
  return { n: sums.n, conversions: sums.sum, rate: moments.mean };
}

function runWelchIfDefined(treatment: SampleMoments, control: SampleMoments): WelchResult | null {
  if (
    treatment.mean === null ||
    treatment.variance === null ||
    control.mean === null ||
    control.variance === null
  ) {
    return null;
  }
  return welchTTest(
    { n: treatment.n, mean: treatment.mean, variance: treatment.variance },
    { n: control.n, mean: control.mean, variance: control.variance },
    0.95,
  );
}

/** Explains each null field. The conditions mirror those in sampleMomentsFromSums and welchTTest. */
function describeSpendEdgeCases(treatment: SampleMoments, control: SampleMoments): string[] {
  const notes: string[] = [];
  const arms = [
    ['treatment', treatment],
    ['control', control],
  ] as const;
  for (const [arm, moments] of arms) {
    if (moments.n === 0) {
      notes.push(
        `The ${arm} arm has no customers (n = 0), so its spend per customer is null, and so are ` +
          'the absolute and relative uplift, the interval and the p-value.',
      );
    } else if (moments.n === 1) {
      notes.push(
        `The ${arm} arm has one customer (n = 1), so its sample variance is undefined, and the ` +
          'Welch interval and p-value are null.',
      );
    }
  }
  if (treatment.mean === null || control.mean === null) {
    return notes;
  }

  if (control.mean === 0) {
    notes.push('The control spend per customer is 0, so the relative uplift (treatment / control − 1) is null.');
  }
  if (treatment.mean === 0 || control.mean === 0) {
    notes.push('An arm has no spend, so the log ratio of means is undefined and the interval of the relative uplift is null.');
  }
  if (treatment.variance === 0 && control.variance === 0) {
    if (treatment.mean === control.mean) {
      notes.push(
        'Spend is the same constant in both arms, so Welch’s t is 0/0, and the interval and p-value are null.',
      );
    } else {
      notes.push(
        'Spend is constant within each arm (variance 0 in both), so the Welch interval is null ' +
          'because its degrees of freedom are 0/0. The p-value is 0 because the means differ and t is infinite.',
      );
    }
  }
  return notes;
}
