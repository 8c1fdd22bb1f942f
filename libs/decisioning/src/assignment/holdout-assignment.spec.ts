import { assignArm, holdoutPosition } from './holdout-assignment.ts';

describe('holdout assignment', () => {
  it('is deterministic per group and customer', () => {
    expect(holdoutPosition('spring-sale', 'c-1')).toBe(holdoutPosition('spring-sale', 'c-1'));
    expect(holdoutPosition('spring-sale', 'c-1')).not.toBe(holdoutPosition('autumn-sale', 'c-1'));
  });

  it('honours the extreme shares', () => {
    expect(assignArm('g', 'c-1', 0)).toBe('treatment');
    expect(assignArm('g', 'c-1', 1)).toBe('control');
  });

  it('splits close to the configured share', () => {
    const customers = 20_000;
    let control = 0;
    for (let i = 0; i < customers; i++) {
      if (assignArm('g', `customer-${i}`, 0.2) === 'control') {
        control++;
      }
    }
    // Binomial standard deviation at n = 20000, p = 0.2 is 0.0028; allow four of them.
    expect(Math.abs(control / customers - 0.2)).toBeLessThan(0.0113);
  });

  it('keeps positions in [0, 1)', () => {
    for (let i = 0; i < 1000; i++) {
      const position = holdoutPosition('g', String(i));
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(1);
    }
  });
});
