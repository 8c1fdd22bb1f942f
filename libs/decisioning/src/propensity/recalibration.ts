import { logOdds } from './logistic-model.ts';
import { sigmoid } from './logistic-regression.ts';
import type { DecisionFeatures } from './feature-encoder.ts';
import type { ConversionCount, StoredPropensityModel } from './propensity-model.repository.ts';
import type { StoredUpliftModel } from '../uplift/uplift-model.repository.ts';

/**
 * Weight, in decisions, of a model's training conversion rate when outcomes since
 * training recalibrate its intercept: after this many new decisions the new rate counts
 * as much as the old one.
 */
export const RECALIBRATION_PRIOR_DECISIONS = 500;

/**
 * Log-odds shift that moves the model's training conversion rate r0 to the rate seen
 * since training, shrunk towards r0 with {@link RECALIBRATION_PRIOR_DECISIONS}:
 * logit((r0 * K + conversions) / (K + decisions)) - logit(r0). 0 without new decisions.
 * NOTE: a conversion can arrive days after its decision, so the newest decisions count as
 * non-conversions until then and pull the estimate down for a while.
 */
export function recalibrationOffset(model: Pick<StoredPropensityModel, 'metrics'>, since: ConversionCount): number {
  return baseRateOffset(model.metrics.baseRate, since);
}

/** Outcomes since an uplift model's data window, in each arm. */
export interface UpliftOutcomesSince {
  treated: ConversionCount;
  control: ConversionCount;
}

/**
 * Predicted uplift of a T-learner with both arms recalibrated to the outcomes since its
 * training: each arm's intercept moves by {@link recalibrationOffset} from the arm's
 * training conversion rate (`treatedBaseRate`, `controlBaseRate` in the metrics). A model
 * trained before those rates were stored predicts as trained. The coefficients of the
 * features stay as trained, so the ranking of customers within an arm does not change
 * until the next training, only the level of each arm's probability.
 */
export function recalibratedUplift(
  model: Pick<StoredUpliftModel, 'treatedModel' | 'controlModel' | 'metrics'>,
  features: DecisionFeatures,
  since: UpliftOutcomesSince,
): number {
  const treated = sigmoid(logOdds(model.treatedModel, features) + baseRateOffset(model.metrics.treatedBaseRate, since.treated));
  const control = sigmoid(logOdds(model.controlModel, features) + baseRateOffset(model.metrics.controlBaseRate, since.control));
  return treated - control;
}

/** Log-odds shift from a training rate to the shrunk rate since training; 0 when the rate is not a probability strictly between 0 and 1. */
function baseRateOffset(baseRate: unknown, since: ConversionCount): number {
  if (typeof baseRate !== 'number' || baseRate <= 0 || baseRate >= 1 || since.decisions === 0) {
    return 0;
  }
  const rate = (baseRate * RECALIBRATION_PRIOR_DECISIONS + since.conversions) / (RECALIBRATION_PRIOR_DECISIONS + since.decisions);
  return logit(rate) - logit(baseRate);
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
