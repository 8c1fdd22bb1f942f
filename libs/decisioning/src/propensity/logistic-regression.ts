import MultivariateLinearRegression from 'ml-regression-multivariate-linear';

export interface LogisticFitOptions {
  /** L2 penalty on the weights (not the intercept); keeps separable or collinear data finite. */
  l2?: number;
  maxIterations?: number;
  /** Stop when no coefficient moves by more than this between iterations. */
  tolerance?: number;
}

export interface LogisticFit {
  /** Intercept first, then one weight per column of the design matrix. */
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

/** Smallest IRLS weight p(1 - p); keeps the working response finite when p reaches 0 or 1. */
const MIN_WEIGHT = 1e-9;

export function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

export function predictProbability(coefficients: readonly number[], row: readonly number[]): number {
  let eta = coefficients[0]!;
  for (let j = 0; j < row.length; j++) {
    eta += coefficients[j + 1]! * row[j]!;
  }
  return sigmoid(eta);
}

/**
 * Fits a binary logistic regression by iteratively reweighted least squares (Newton's
 * method on the log-likelihood). Each step is a weighted least-squares fit, solved by
 * ml-regression's MultivariateLinearRegression on rows scaled by sqrt(weight); the L2
 * penalty enters as extra rows sqrt(l2) * e_j with target 0, which is ridge regression
 * written as ordinary least squares. With l2 = 0 the result is the maximum-likelihood
 * fit that statsmodels' Logit and scikit-learn's unpenalized LogisticRegression give.
 */
export function fitLogisticRegression(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  options: LogisticFitOptions = {},
): LogisticFit {
  const { l2 = 1e-4, maxIterations = 50, tolerance = 1e-8 } = options;
  if (rows.length === 0 || rows.length !== labels.length) {
    throw new Error(`Cannot fit on ${rows.length} rows and ${labels.length} labels`);
  }
  const width = rows[0]!.length + 1;
  let coefficients = new Array<number>(width).fill(0);
  const penaltyRoot = Math.sqrt(l2);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const design: number[][] = [];
    const target: number[][] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let eta = coefficients[0]!;
      for (let j = 0; j < row.length; j++) {
        eta += coefficients[j + 1]! * row[j]!;
      }
      const p = sigmoid(eta);
      const weight = Math.max(p * (1 - p), MIN_WEIGHT);
      const workingResponse = eta + (labels[i]! - p) / weight;
      const scale = Math.sqrt(weight);
      const scaledRow = new Array<number>(width);
      scaledRow[0] = scale;
      for (let j = 0; j < row.length; j++) {
        scaledRow[j + 1] = scale * row[j]!;
      }
      design.push(scaledRow);
      target.push([scale * workingResponse]);
    }
    if (penaltyRoot > 0) {
      for (let j = 1; j < width; j++) {
        const penaltyRow = new Array<number>(width).fill(0);
        penaltyRow[j] = penaltyRoot;
        design.push(penaltyRow);
        target.push([0]);
      }
    }

    const step = new MultivariateLinearRegression(design, target, { intercept: false, statistics: false });
    const next = step.weights.map((weightRow) => weightRow[0]!);
    const change = Math.max(...next.map((value, j) => Math.abs(value - coefficients[j]!)));
    coefficients = next;
    if (!Number.isFinite(change)) {
      return { coefficients, iterations: iteration, converged: false };
    }
    if (change < tolerance) {
      return { coefficients, iterations: iteration, converged: true };
    }
  }
  return { coefficients, iterations: maxIterations, converged: false };
}
