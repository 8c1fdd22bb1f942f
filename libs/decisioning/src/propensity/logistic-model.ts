import { encodeFeatures, learnFeatureSpec, type DecisionFeatures, type FeatureSpec } from './feature-encoder.ts';
import { fitLogisticRegression, predictProbability } from './logistic-regression.ts';
import { applyScaling, fitScaling, type Scaling } from './standard-scaler.ts';

/** L2 penalty on standardized features; the same as scikit-learn's LogisticRegression(C=1). */
export const L2_PENALTY = 1;

/** A fitted logistic regression with everything needed to encode a customer the same way again. */
export interface LogisticModel {
  spec: FeatureSpec;
  scaling: Scaling;
  /** Intercept first, then one weight per encoded, standardized feature. */
  coefficients: number[];
}

export interface LabelledFeatures {
  features: DecisionFeatures;
  label: number;
}

/** Learns the feature encoding from the rows, standardizes it and fits the regression. */
export function fitLogisticModel(rows: readonly LabelledFeatures[]): LogisticModel & { converged: boolean; iterations: number } {
  const spec = learnFeatureSpec(rows.map((row) => row.features));
  const encoded = rows.map((row) => encodeFeatures(spec, row.features));
  const scaling = fitScaling(encoded);
  const scaled = encoded.map((row) => applyScaling(scaling, row));
  const fit = fitLogisticRegression(scaled, rows.map((row) => row.label), { l2: L2_PENALTY });
  return { spec, scaling, coefficients: fit.coefficients, converged: fit.converged, iterations: fit.iterations };
}

/** Log-odds of the model for one customer, before any recalibration offset. */
export function logOdds(model: LogisticModel, features: DecisionFeatures): number {
  const row = applyScaling(model.scaling, encodeFeatures(model.spec, features));
  let eta = model.coefficients[0]!;
  for (let j = 0; j < row.length; j++) {
    eta += model.coefficients[j + 1]! * row[j]!;
  }
  return eta;
}

export function predictLogisticModel(model: LogisticModel, features: DecisionFeatures): number {
  return predictProbability(model.coefficients, applyScaling(model.scaling, encodeFeatures(model.spec, features)));
}
