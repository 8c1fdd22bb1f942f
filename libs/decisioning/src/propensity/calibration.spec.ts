import { calibration } from './calibration.ts';
import { areaUnderRoc, logLoss } from './model-metrics.ts';

/**
 * Expected values from scikit-learn 1.2.1 (Debian 12, /usr/bin/python3):
 * roc_auc_score, brier_score_loss and calibration_curve(n_bins=10, strategy='uniform');
 * the expected calibration error from those bins with numpy, as
 * sum(counts / n * abs(prob_pred - prob_true)). The 40 random rows are
 * numpy.random.default_rng(7): p = round(uniform(0, 1, 40), 4), y = uniform(0, 1, 40) < p.
 */
const CASES = [
  {
    name: 'mixed scores',
    probabilities: [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.55],
    labels: [0, 0, 1, 1, 1, 0, 1, 0],
    auc: 0.875,
    brier: 0.134375,
    ece: 0.2125,
    binCounts: [1, 1, 2, 1, 1, 1, 1],
  },
  {
    name: 'tied scores',
    probabilities: [0.5, 0.5, 0.2, 0.8, 0.5, 0.2],
    labels: [1, 0, 0, 1, 0, 1],
    auc: 0.6111111111111112,
    brier: 0.245,
    ece: 0.21666666666666667,
    binCounts: [2, 3, 1],
  },
  {
    name: '40 random rows',
    probabilities: [
      0.6251, 0.8972, 0.7757, 0.2252, 0.3002, 0.8736, 0.0053, 0.8212, 0.7971, 0.4679, 0.303, 0.2784, 0.2549, 0.4451,
      0.5045, 0.5535, 0.9955, 0.7927, 0.6222, 0.989, 0.2153, 0.1602, 0.6125, 0.0439, 0.0357, 0.5149, 0.4662, 0.9172,
      0.6292, 0.5141, 0.4969, 0.2475, 0.0118, 0.1924, 0.692, 0.2006, 0.3695, 0.0037, 0.83, 0.1545,
    ],
    labels: [
      1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1,
    ],
    auc: 0.8825,
    brier: 0.1382024855,
    ece: 0.162915,
    binCounts: [5, 3, 6, 3, 4, 4, 5, 3, 4, 3],
  },
];

describe.each(CASES)('model metrics on $name', ({ probabilities, labels, auc, brier, ece, binCounts }) => {
  it('computes the ROC AUC', () => {
    expect(areaUnderRoc(probabilities, labels)).toBeCloseTo(auc, 12);
  });

  it('computes the Brier score', () => {
    expect(calibration(probabilities, labels)!.brierScore).toBeCloseTo(brier, 12);
  });

  it('computes the expected calibration error', () => {
    expect(calibration(probabilities, labels)!.expectedCalibrationError).toBeCloseTo(ece, 12);
  });

  it('fills the same reliability bins', () => {
    expect(calibration(probabilities, labels)!.bins.map((bin) => bin.count)).toEqual(binCounts);
  });
});

describe('calibration edge cases', () => {
  it('returns null for no rows', () => {
    expect(calibration([], [])).toBeNull();
  });

  it('puts a probability of 1 in the last bin', () => {
    const result = calibration([1, 0], [1, 0])!;

    expect(result.bins.map((bin) => [bin.lower, bin.upper])).toEqual([
      [0, 0.1],
      [0.9, 1],
    ]);
    expect(result.expectedCalibrationError).toBe(0);
  });

  it('rejects mismatched lengths', () => {
    expect(() => calibration([0.5], [1, 0])).toThrow(/1 probabilities with 2 labels/);
  });

  it('leaves the AUC undefined for one class', () => {
    expect(areaUnderRoc([0.2, 0.3], [1, 1])).toBeNull();
  });

  it('computes the log loss by hand', () => {
    // -(ln 0.8 + ln 0.6) / 2
    expect(logLoss([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  });
});
