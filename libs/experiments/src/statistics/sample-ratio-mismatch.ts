import { normalTwoSidedPValue } from './distributions.ts';
import { assertCount, InvalidStatisticsInputError } from './input-validation.ts';

/** Significance level below which a sample-ratio-mismatch p-value flags the report. */
export const SAMPLE_RATIO_MISMATCH_THRESHOLD = 0.001;

/** Chi-square goodness-of-fit test of the arm sizes against the configured split. */
export interface SampleRatioMismatch {
  /** Share of the report's customers that the configuration sends to control, in [0, 1]. */
  expectedControlShare: number;
  expectedControl: number;
  expectedTreatment: number;
  observedControl: number;
  observedTreatment: number;
  /** Pearson's χ² with 1 degree of freedom. Null when it is undefined (see the notes). */
  chiSquare: number | null;
  /** P(χ²₁ ≥ chiSquare). 0 when an arm has customers that the split gives no chance. */
  pValue: number | null;
  threshold: number;
  /** True when pValue < threshold. */
  flagged: boolean;
  notes: string[];
}

/**
 * Tests whether the observed control and treatment sizes fit the configured control share,
 * as scipy's `chisquare([n_c, n_t], [N·s, N·(1 − s)])` does:
 *
 *   χ² = (n_c − N·s)² / (N·s) + (n_t − N·(1 − s))² / (N·(1 − s)),   p = P(χ²₁ ≥ χ²) = 2Φ(−√χ²)
 *
 * The identity P(χ²₁ ≥ x) = 2Φ(−√x) keeps the p-value precise far into the tail.
 * Edge cases: N = 0 gives null statistic and p-value, unflagged. A share of 0 or 1 leaves one
 * expected cell at 0. If the other arm is also empty, the split is met exactly (p = 1).
 * If the arm with expected size 0 has customers, scipy returns χ² = ∞, and this returns
 * χ² null, p = 0 and a flag.
 */
export function sampleRatioMismatch(
  observed: { control: number; treatment: number },
  expectedControlShare: number,
): SampleRatioMismatch {
  assertCount('observed.control', observed.control);
  assertCount('observed.treatment', observed.treatment);
  if (!(expectedControlShare >= 0 && expectedControlShare <= 1)) {
    throw new InvalidStatisticsInputError(`expectedControlShare must be in [0, 1], but it is ${expectedControlShare}.`);
  }

  const total = observed.control + observed.treatment;
  const expectedControl = total * expectedControlShare;
  const expectedTreatment = total - expectedControl;
  const base = {
    expectedControlShare,
    expectedControl,
    expectedTreatment,
    observedControl: observed.control,
    observedTreatment: observed.treatment,
    threshold: SAMPLE_RATIO_MISMATCH_THRESHOLD,
  };

  if (total === 0) {
    return { ...base, chiSquare: null, pValue: null, flagged: false, notes: ['No customers in either arm, so the split cannot be tested.'] };
  }
  const impossible =
    (expectedControl === 0 && observed.control > 0) || (expectedTreatment === 0 && observed.treatment > 0);
  if (impossible) {
    return {
      ...base,
      chiSquare: null,
      pValue: 0,
      flagged: true,
      notes: [
        `The configured control share is ${expectedControlShare}, yet the arm it leaves empty has customers, ` +
          'so χ² is infinite and the p-value is 0.',
      ],
    };
  }
  if (expectedControl === 0 || expectedTreatment === 0) {
    return {
      ...base,
      chiSquare: 0,
      pValue: 1,
      flagged: false,
      notes: [`The configured control share is ${expectedControlShare} and every customer is in the one possible arm.`],
    };
  }

  const chiSquare =
    (observed.control - expectedControl) ** 2 / expectedControl +
    (observed.treatment - expectedTreatment) ** 2 / expectedTreatment;
  const pValue = normalTwoSidedPValue(Math.sqrt(chiSquare));
  return { ...base, chiSquare, pValue, flagged: pValue < SAMPLE_RATIO_MISMATCH_THRESHOLD, notes: [] };
}
