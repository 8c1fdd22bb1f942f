/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability of the rows in the bin. */
  meanPredicted: number;
  /** Share of those rows whose label is 1. */
  observedRate: number;
}

export interface Calibration {
  /** Mean squared difference between probability and label. */
  brierScore: number;
  /** Sum over bins of (bin rows / all rows) * |mean predicted - observed rate|. */
  expectedCalibrationError: number;
  /** Only the bins that contain rows. */
  bins: ReliabilityBin[];
}

/**
 * Calibration of predicted probabilities against binary labels, over `binCount` bins of
 * equal width on [0, 1]. A probability on an inner edge falls in the lower bin, as in
 * scikit-learn's `calibration_curve(strategy='uniform')`. Null for no rows.
 */
export function calibration(probabilities: readonly number[], labels: readonly number[], binCount = 10): Calibration | null {
  if (probabilities.length !== labels.length) {
    throw new Error(`Cannot compare ${probabilities.length} probabilities with ${labels.length} labels`);
  }
  if (probabilities.length === 0) {
    return null;
  }
  const sums = Array.from({ length: binCount }, () => ({ count: 0, predicted: 0, positives: 0 }));
  let squaredError = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const label = labels[i]!;
    squaredError += (p - label) ** 2;
    const bin = sums[binIndex(p, binCount)]!;
    bin.count++;
    bin.predicted += p;
    bin.positives += label;
  }

  const bins: ReliabilityBin[] = [];
  let calibrationError = 0;
  sums.forEach((sum, index) => {
    if (sum.count === 0) {
      return;
    }
    const meanPredicted = sum.predicted / sum.count;
    const observedRate = sum.positives / sum.count;
    calibrationError += (sum.count / probabilities.length) * Math.abs(meanPredicted - observedRate);
    bins.push({ lower: index / binCount, upper: (index + 1) / binCount, count: sum.count, meanPredicted, observedRate });
  });
  return { brierScore: squaredError / probabilities.length, expectedCalibrationError: calibrationError, bins };
}

/** Number of inner edges strictly below p, so [0, 0.1] is bin 0 and (0.1, 0.2] bin 1. */
function binIndex(p: number, binCount: number): number {
  let index = 0;
  while (index < binCount - 1 && (index + 1) / binCount < p) {
    index++;
  }
  return index;
}
