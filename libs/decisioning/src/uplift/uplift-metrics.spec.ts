import { qiniCoefficient, qiniCurve, upliftAtK } from './uplift-metrics.ts';

/**
 * Expected values from the numpy implementation in scripts/evaluate-uplift-hillstrom.py
 * (`--print-metric-cases`, numpy 1.24.2), which computes the curve with cumulative sums
 * over tie-group ends and the areas with numpy.trapz. The first case is also worked by hand.
 * Its curve is 0, 1, 1, 2, 1, 0.5, 1, with area 6 against 3 under the random line. The
 * perfect ranking gives (0, 0), (2, 2), (5, 2), (6, 1), with area 9.5. So the coefficient
 * is (6 - 3) / (9.5 - 3) = 3 / 6.5.
 * The 60 random rows are numpy.random.default_rng(11) as in that script.
 */
const RANDOM_UPLIFT = [
  0.897, -0.233, -0.744, 0.385, 0.717, -0.3, 0.545, 1.043, -0.207, -0.814, 0.348, 0.248, 1.099, -1.285, -0.662, -0.838,
  -1.734, 0.126, 0.528, -0.739, 1.386, 0.822, 0.627, 0.402, 0.956, -1.332, 0.614, 0.603, -1.768, 0.347, -0.25, 0.782,
  -0.439, -0.018, 0.343, -0.876, 0.599, -0.105, 0.492, -0.522, 1.086, 0.605, -0.178, 0.632, 1.26, 1.791, -1.574, 0.883,
  0.465, -0.094, -1.007, 1.257, -1.262, 0.567, 1.302, -1.6, -0.303, -1.309, 0.244, 1.514,
];
const RANDOM_LABELS = [
  0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0,
  1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1,
];
const RANDOM_TREATED = [
  0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1,
  1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0,
];

const CASES = [
  {
    name: 'worked example',
    uplift: [0.9, 0.7, 0.5, 0.3, 0.1, -0.2],
    labels: [1, 0, 1, 1, 0, 0],
    treated: [1, 0, 1, 0, 1, 0],
    curve: { targeted: [0, 1, 2, 3, 4, 5, 6], incremental: [0, 1, 1, 2, 1, 0.5, 1] },
    qini: 0.46153846153846156,
    upliftAt30: 1,
    upliftAt50: 1,
  },
  {
    name: 'tied predictions',
    uplift: [0.4, 0.4, 0.1, 0.1, 0.4, -0.3, 0.1, 0.0],
    labels: [1, 0, 0, 1, 1, 0, 1, 0],
    treated: [1, 0, 1, 0, 1, 0, 0, 1],
    curve: { targeted: [0, 3, 6, 7, 8], incremental: [0, 2, 0, -0.6666666666666665, 0] },
    qini: 0.4444444444444445,
    upliftAt30: 1,
    upliftAt50: 0.6666666666666666,
  },
  {
    name: '60 random rows',
    uplift: RANDOM_UPLIFT,
    labels: RANDOM_LABELS,
    treated: RANDOM_TREATED,
    curve: null,
    qini: -0.023218795190737735,
    upliftAt30: 0,
    upliftAt50: 0.14285714285714285,
  },
];

describe.each(CASES)('uplift metrics on $name', ({ uplift, labels, treated, curve, qini, upliftAt30, upliftAt50 }) => {
  const sample = { uplift, labels, treated: treated.map((value) => value === 1) };

  it('computes the Qini curve', () => {
    const points = qiniCurve(sample);
    if (curve === null) {
      expect(points).toHaveLength(sample.uplift.length + 1);
      return;
    }
    expect(points.map((point) => point.targeted)).toEqual(curve.targeted);
    points.forEach((point, index) => expect(point.incrementalResponders).toBeCloseTo(curve.incremental[index]!, 12));
  });

  it('computes the Qini coefficient', () => {
    expect(qiniCoefficient(sample)).toBeCloseTo(qini, 12);
  });

  it('computes uplift at 30%', () => {
    expect(upliftAtK(sample, 0.3)).toBeCloseTo(upliftAt30, 12);
  });

  it('computes uplift at 50%', () => {
    expect(upliftAtK(sample, 0.5)).toBeCloseTo(upliftAt50, 12);
  });
});

describe('uplift metrics edge cases', () => {
  it('returns null without control rows', () => {
    const sample = { uplift: [0.2, 0.1], labels: [1, 0], treated: [true, true] };

    expect(qiniCoefficient(sample)).toBeNull();
    expect(upliftAtK(sample, 0.5)).toBeNull();
  });

  it('scores the perfect ranking as 1', () => {
    const labels = [1, 0, 0, 1];
    const treated = [true, true, false, false];
    const perfect = labels.map((label, row) => (treated[row] ? label : -label));

    expect(qiniCoefficient({ uplift: perfect, labels, treated })).toBeCloseTo(1, 12);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => upliftAtK({ uplift: [1], labels: [1], treated: [true] }, 0)).toThrow(/k must be in/);
  });
});
