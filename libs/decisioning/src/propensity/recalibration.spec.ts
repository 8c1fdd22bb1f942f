import { recalibrationOffset, RECALIBRATION_PRIOR_DECISIONS } from './propensity.service.ts';

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
