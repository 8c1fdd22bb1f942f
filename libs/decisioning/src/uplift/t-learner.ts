import type { DecisionFeatures } from '../propensity/feature-encoder.ts';
import { fitLogisticModel, predictLogisticModel, type LabelledFeatures, type LogisticModel } from '../propensity/logistic-model.ts';
import { areaUnderRoc } from '../propensity/model-metrics.ts';
import { calibration, type Calibration } from '../propensity/calibration.ts';
import { qiniCoefficient, upliftAtK } from './uplift-metrics.ts';

/** Share of customers targeted for the reported uplift at k. */
export const UPLIFT_TOP_SHARE = 0.3;

/** Two logistic regressions: one fitted on treated customers, one on control customers. */
export interface TLearner {
  treated: LogisticModel;
  control: LogisticModel;
}

export interface ValidationRow extends LabelledFeatures {
  treated: boolean;
}

export interface TLearnerMetrics {
  /** Normalized Qini coefficient of the predicted uplift on the validation rows. */
  qini: number | null;
  /** Treated minus control response rate among the top 30% by predicted uplift. */
  upliftAt30: number | null;
  /** ROC AUC and calibration of the treated model on the treated validation rows. */
  treatedAuc: number | null;
  treatedCalibration: Calibration | null;
  /** The same for the control model on the control validation rows. */
  controlAuc: number | null;
  controlCalibration: Calibration | null;
  /** Mean predicted uplift against the observed difference in response rates. */
  meanPredictedUplift: number;
  observedUplift: number | null;
  validationTreated: number;
  validationControl: number;
}

export function fitTLearner(treated: readonly LabelledFeatures[], control: readonly LabelledFeatures[]): TLearner & { converged: boolean } {
  const treatedFit = fitLogisticModel(treated);
  const controlFit = fitLogisticModel(control);
  return {
    treated: { spec: treatedFit.spec, scaling: treatedFit.scaling, coefficients: treatedFit.coefficients },
    control: { spec: controlFit.spec, scaling: controlFit.scaling, coefficients: controlFit.coefficients },
    converged: treatedFit.converged && controlFit.converged,
  };
}

/** Predicted increase in the response probability from treating this customer. */
export function predictUplift(learner: TLearner, features: DecisionFeatures): number {
  return predictLogisticModel(learner.treated, features) - predictLogisticModel(learner.control, features);
}

/** Scores the learner on rows it was not fitted on. */
export function evaluateTLearner(learner: TLearner, validation: readonly ValidationRow[]): TLearnerMetrics {
  const treatedProbabilities: number[] = [];
  const controlProbabilities: number[] = [];
  const uplift: number[] = [];
  const treatedRows = validation.filter((row) => row.treated);
  const controlRows = validation.filter((row) => !row.treated);
  for (const row of validation) {
    const pTreated = predictLogisticModel(learner.treated, row.features);
    const pControl = predictLogisticModel(learner.control, row.features);
    uplift.push(pTreated - pControl);
    (row.treated ? treatedProbabilities : controlProbabilities).push(row.treated ? pTreated : pControl);
  }
  const treatedLabels = treatedRows.map((row) => row.label);
  const controlLabels = controlRows.map((row) => row.label);
  const sample = { uplift, labels: validation.map((row) => row.label), treated: validation.map((row) => row.treated) };
  const mean = (values: readonly number[]) => values.reduce((total, value) => total + value, 0) / values.length;
  return {
    qini: qiniCoefficient(sample),
    upliftAt30: upliftAtK(sample, UPLIFT_TOP_SHARE),
    treatedAuc: areaUnderRoc(treatedProbabilities, treatedLabels),
    treatedCalibration: calibration(treatedProbabilities, treatedLabels),
    controlAuc: areaUnderRoc(controlProbabilities, controlLabels),
    controlCalibration: calibration(controlProbabilities, controlLabels),
    meanPredictedUplift: uplift.length === 0 ? 0 : mean(uplift),
    observedUplift: treatedRows.length === 0 || controlRows.length === 0 ? null : mean(treatedLabels) - mean(controlLabels),
    validationTreated: treatedRows.length,
    validationControl: controlRows.length,
  };
}
