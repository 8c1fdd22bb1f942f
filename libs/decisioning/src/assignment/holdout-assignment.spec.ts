import { assignArm, GLOBAL_CONTROL_GROUP, holdoutPosition, HoldoutPlan } from './holdout-assignment.ts';

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

describe('HoldoutPlan', () => {
  const off = { share: 0, salt: 'global-control' };
  const customers = Array.from({ length: 2000 }, (_, i) => `customer-${i}`);

  /** Assigns each customer under `share`, stores the draws, then reassigns under `editedShare`. */
  function armsBeforeAndAfterEdit(share: number, editedShare: number) {
    return customers.map((customer) => {
      const campaign = { holdoutGroup: 'spring-sale', holdoutShare: share };
      const first = new HoldoutPlan(customer, [], off);
      const stored = first.newAssignmentsFor(campaign);
      const later = new HoldoutPlan(customer, stored, off);
      return { before: first.armFor(campaign), after: later.armFor({ ...campaign, holdoutShare: editedShare }) };
    });
  }

  it.each([
    [0.2, 0.05],
    [0.2, 0.6],
    [0.5, 0],
    [0.5, 1],
  ])('keeps every stored arm when the share goes from %d to %d', (share, editedShare) => {
    const arms = armsBeforeAndAfterEdit(share, editedShare);

    const moved = arms.filter(({ before, after }) => before.arm !== after.arm);
    expect(moved).toEqual([]);
    expect(arms.every(({ after }) => after.origin === 'stored' && after.holdoutShare === share)).toBe(true);
  });

  it('draws new customers with the share in force', () => {
    const plan = new HoldoutPlan('newcomer', [], off);

    const assignment = plan.armFor({ holdoutGroup: 'g', holdoutShare: 0.3 });

    expect(assignment.origin).toBe('drawn');
    expect(assignment.holdoutShare).toBe(0.3);
    expect(assignment.arm).toBe(assignArm('g', 'newcomer', 0.3));
  });

  it('stores nothing for a customer already assigned', () => {
    const stored = [{ holdoutGroup: 'g', arm: 'control' as const, holdoutShare: 0.5, salt: 'g' }];

    expect(new HoldoutPlan('c-1', stored, off).newAssignmentsFor({ holdoutGroup: 'g', holdoutShare: 0.1 })).toEqual([]);
  });

  it('puts global control customers in control of every campaign', () => {
    const global = { share: 0.25, salt: 'house-salt' };
    const inGlobal = customers.filter((customer) => holdoutPosition('house-salt', customer) < 0.25);

    for (const customer of inGlobal) {
      const plan = new HoldoutPlan(customer, [], global);
      for (const holdoutGroup of ['a', 'b', 'c']) {
        const assignment = plan.armFor({ holdoutGroup, holdoutShare: 0 });
        expect(assignment).toMatchObject({ arm: 'control', globalControl: true });
      }
      expect(plan.newAssignmentsFor({ holdoutGroup: 'a', holdoutShare: 0 })).toEqual([
        { holdoutGroup: GLOBAL_CONTROL_GROUP, arm: 'control', holdoutShare: 0.25, salt: 'house-salt' },
      ]);
    }
    // 2000 draws at p = 0.25: the standard deviation of the count is 19.4; allow four of them.
    expect(Math.abs(inGlobal.length - 500)).toBeLessThan(78);
  });

  it('keeps global control customers after the group is turned off', () => {
    const stored = [{ holdoutGroup: GLOBAL_CONTROL_GROUP, arm: 'control' as const, holdoutShare: 0.1, salt: 'global-control' }];

    const plan = new HoldoutPlan('c-1', stored, off);

    expect(plan.armFor({ holdoutGroup: 'g', holdoutShare: 0 })).toMatchObject({ arm: 'control', globalControl: true, origin: 'stored' });
  });

  it('records the campaign draw for customers outside global control', () => {
    const global = { share: 0.25, salt: 'house-salt' };
    const outside = customers.find((customer) => holdoutPosition('house-salt', customer) >= 0.25)!;

    const rows = new HoldoutPlan(outside, [], global).newAssignmentsFor({ holdoutGroup: 'a', holdoutShare: 0.5 });

    expect(rows.map((row) => [row.holdoutGroup, row.arm])).toEqual([
      [GLOBAL_CONTROL_GROUP, 'treatment'],
      ['a', assignArm('a', outside, 0.5)],
    ]);
  });
});
