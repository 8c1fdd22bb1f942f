import { fitLogisticRegression, predictProbability, sigmoid } from './logistic-regression.ts';

/** Deterministic uniform numbers in [0, 1), so the synthetic data is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

describe('fitLogisticRegression', () => {
  const truth = [-1.5, 2, -0.75];
  const random = seededRandom(42);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const row = [gaussian(random), gaussian(random)];
    rows.push(row);
    labels.push(random() < predictProbability(truth, row) ? 1 : 0);
  }

  it('recovers the generating coefficients', () => {
    const fit = fitLogisticRegression(rows, labels, { l2: 0 });

    expect(fit.converged).toBe(true);
    fit.coefficients.forEach((coefficient, j) => {
      expect(Math.abs(coefficient - truth[j]!)).toBeLessThan(0.1);
    });
  });

  it('zeroes the score equations at the optimum', () => {
    const fit = fitLogisticRegression(rows, labels, { l2: 0 });
    const gradient = [0, 0, 0];
    rows.forEach((row, i) => {
      const residual = labels[i]! - predictProbability(fit.coefficients, row);
      gradient[0] += residual;
      gradient[1] += residual * row[0]!;
      gradient[2] += residual * row[1]!;
    });

    gradient.forEach((component) => expect(Math.abs(component)).toBeLessThan(1e-6));
  });

  it('stays finite on separable data', () => {
    const separable = [[-2], [-1], [1], [2]];
    const fit = fitLogisticRegression(separable, [0, 0, 1, 1], { l2: 1 });

    fit.coefficients.forEach((coefficient) => expect(Number.isFinite(coefficient)).toBe(true));
    expect(predictProbability(fit.coefficients, [2])).toBeGreaterThan(0.5);
  });

  it('rejects mismatched input', () => {
    expect(() => fitLogisticRegression([[1]], [1, 0])).toThrow(/1 rows and 2 labels/);
  });

  it('computes a stable sigmoid', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
});
