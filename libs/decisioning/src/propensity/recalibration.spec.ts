import { encodeFeatures, type DecisionFeatures, type FeatureSpec } from './feature-encoder.ts';
import type { LogisticModel } from './logistic-model.ts';
import { recalibratedUplift, recalibrationOffset, RECALIBRATION_PRIOR_DECISIONS } from './recalibration.ts';

/** Expected offsets computed with Python's math.log: logit((r0 * 500 + conversions) / (500 + decisions)) - logit(r0). */
describe('recalibrationOffset', () => {
  it('uses a prior weight of 500 decisions', () => {
    expect(RECALIBRATION_PRIOR_DECISIONS).toBe(500);
  });

  it.each([
    // (0.1 * 500 + 100) / 1000 = 0.15; ln(0.15 / 0.85) - ln(0.1 / 0.9)
    { baseRate: 0.1, decisions: 500, conversions: 100, offset: 0.46262352194811274 },
    // (0.05 * 500 + 0) / 1000 = 0.025; ln(0.025 / 0.975) - ln(0.05 / 0.95)
    { baseRate: 0.05, decisions: 500, conversions: 0, offset: -0.719122666963206 },
    { baseRate: 0.1, decisions: 0, conversions: 0, offset: 0 },
  ])('shifts a rate of $baseRate after $conversions of $decisions', ({ baseRate, decisions, conversions, offset }) => {
    expect(recalibrationOffset({ metrics: { baseRate } }, { decisions, conversions })).toBeCloseTo(offset, 12);
  });

  it('leaves a model without a base rate alone', () => {
    expect(recalibrationOffset({ metrics: {} }, { decisions: 10, conversions: 5 })).toBe(0);
  });
});

describe('recalibratedUplift', () => {
  const features: DecisionFeatures = { engagement: 0.4, valence: 0.2, stage: null, eventCount: 3, daysSinceLastEvent: 2, attributes: {} };
  const spec: FeatureSpec = { numericAttributes: [], categoricalAttributes: [], stages: [] };
  const width = encodeFeatures(spec, features).length;

  /** Builds a model whose feature weights are all 0, so it predicts `rate` for every customer. */
  function constantModel(rate: number): LogisticModel {
    return {
      spec,
      scaling: { means: new Array<number>(width).fill(0), scales: new Array<number>(width).fill(1) },
      coefficients: [Math.log(rate / (1 - rate)), ...new Array<number>(width).fill(0)],
    };
  }

  const model = {
    treatedModel: constantModel(0.1),
    controlModel: constantModel(0.05),
    metrics: { treatedBaseRate: 0.1, controlBaseRate: 0.05 },
  };
  const none = { decisions: 0, conversions: 0 };

  it('predicts as trained without new outcomes', () => {
    expect(recalibratedUplift(model, features, { treated: none, control: none })).toBeCloseTo(0.05, 12);
  });

  it('moves each arm to its shrunk rate since training', () => {
    // Treated: (0.1 * 500 + 100) / 1000 = 0.15. Control: (0.05 * 500 + 0) / 1000 = 0.025.
    const since = { treated: { decisions: 500, conversions: 100 }, control: { decisions: 500, conversions: 0 } };

    expect(recalibratedUplift(model, features, since)).toBeCloseTo(0.15 - 0.025, 12);
  });

  it('moves only the arm with new outcomes', () => {
    // Control: (0.05 * 500 + 50) / 1000 = 0.075.
    const since = { treated: none, control: { decisions: 500, conversions: 50 } };

    expect(recalibratedUplift(model, features, since)).toBeCloseTo(0.1 - 0.075, 12);
  });

  it.each([
    { name: 'missing', metrics: {} },
    { name: 'zero', metrics: { treatedBaseRate: 0, controlBaseRate: 0 } },
    { name: 'one', metrics: { treatedBaseRate: 1, controlBaseRate: 1 } },
    { name: 'text', metrics: { treatedBaseRate: '0.1', controlBaseRate: '0.05' } },
  ])('keeps the trained uplift with $name base rates', ({ metrics }) => {
    const since = { treated: { decisions: 500, conversions: 100 }, control: { decisions: 500, conversions: 0 } };

    expect(recalibratedUplift({ ...model, metrics }, features, since)).toBeCloseTo(0.05, 12);
  });
});
