import { mixtureSequentialLook } from './confidence-sequence.ts';

describe('mixtureSequentialLook', () => {
  // Expected values: the documented formulas evaluated with Python's math module, for θ̂ = 0.05,
  // V = 1e-4, 1000 customers per arm and mixture scale 0.1, so τ²/V = 0.01 × 500 = 5.
  it('computes the mSPRT interval and p-value', () => {
    const look = mixtureSequentialLook(0.05, 1e-4, { treatment: 1000, control: 1000 });

    expect(look.interval![0]).toBeCloseTo(0.05 - 0.03056119896143351, 14);
    expect(look.interval![1]).toBeCloseTo(0.05 + 0.03056119896143351, 14);
    expect(look.pValue).toBeCloseTo(7.3311950121505e-5, 16);
  });

  it('is wider than the fixed-sample normal interval', () => {
    const look = mixtureSequentialLook(0, 1e-4, { treatment: 5000, control: 5000 });

    expect(look.interval![1]).toBeGreaterThan(1.959963984540054 * 1e-2);
  });

  it('caps the p-value at 1 for no effect', () => {
    expect(mixtureSequentialLook(0, 1e-4, { treatment: 1000, control: 1000 }).pValue).toBe(1);
  });

  it.each([
    [0, { treatment: 10, control: 10 }],
    [1e-4, { treatment: 0, control: 10 }],
  ])('is null for variance %d or an empty arm', (variance, arms) => {
    expect(mixtureSequentialLook(0.1, variance, arms)).toEqual({ interval: null, pValue: null });
  });
});
