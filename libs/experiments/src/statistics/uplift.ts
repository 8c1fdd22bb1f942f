import { type BinaryUpliftInput, buildBinaryUpliftResult } from './binary-uplift.ts';
import { InvalidStatisticsInputError } from './input-validation.ts';
import { buildSpendUpliftResult, type SpendUpliftInput } from './spend-uplift.ts';
import type { BinaryMetric, UpliftResult } from './uplift-result.ts';

/** Per-arm aggregates of one metric: counts for visit and conversion, sums for spend. */
export type UpliftInput =
  | ({ metric: BinaryMetric } & BinaryUpliftInput)
  | ({ metric: 'spend' } & SpendUpliftInput);

/**
 * Builds the uplift report body of one metric, treatment against control.
 * Throws InvalidStatisticsInputError for an unknown metric or aggregates that no experiment
 * can produce. Every edge case of valid data gives null fields with notes instead.
 */
export function buildUpliftResult(input: UpliftInput): UpliftResult {
  switch (input.metric) {
    case 'visit':
    case 'conversion':
      return buildBinaryUpliftResult(input.metric, { treatment: input.treatment, control: input.control });
    case 'spend':
      return buildSpendUpliftResult({ treatment: input.treatment, control: input.control });
    default: {
      const metric: never = input;
      throw new InvalidStatisticsInputError(
        `Unknown metric ${JSON.stringify((metric as { metric: unknown }).metric)}. Use visit, conversion or spend.`,
      );
    }
  }
}
