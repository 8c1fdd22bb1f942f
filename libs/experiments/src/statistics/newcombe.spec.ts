import { newcombeDifferenceInterval } from './newcombe.ts';

// Values from statsmodels 0.13.5: confint_proportions_2indep(c1, n1, c2, n2, method='newcomb', compare='diff').
// The report-level tables in uplift.spec.ts cover more cases.
describe('newcombeDifferenceInterval', () => {
  test('matches statsmodels for 7/23 against 3/19', () => {
    const interval = newcombeDifferenceInterval({ successes: 7, n: 23 }, { successes: 3, n: 19 });

    expect(interval?.[0]).toBeCloseTo(-0.11701334743068109, 12);
    expect(interval?.[1]).toBeCloseTo(0.37511814729096304, 12);
  });

  test('swapping arms mirrors the interval', () => {
    const treatment = { successes: 120, n: 2500 };
    const control = { successes: 150, n: 2400 };

    const forward = newcombeDifferenceInterval(treatment, control);
    const backward = newcombeDifferenceInterval(control, treatment);

    expect(forward?.[0]).toBeCloseTo(-(backward?.[1] ?? Number.NaN), 15);
    expect(forward?.[1]).toBeCloseTo(-(backward?.[0] ?? Number.NaN), 15);
  });

  test('contains the observed difference', () => {
    const interval = newcombeDifferenceInterval({ successes: 3894, n: 21307 }, { successes: 2262, n: 21306 });
    const difference = 3894 / 21307 - 2262 / 21306;

    expect(interval?.[0]).toBeLessThan(difference);
    expect(interval?.[1]).toBeGreaterThan(difference);
  });

  test('null when an arm is empty', () => {
    expect(newcombeDifferenceInterval({ successes: 0, n: 0 }, { successes: 1, n: 4 })).toBeNull();
    expect(newcombeDifferenceInterval({ successes: 1, n: 4 }, { successes: 0, n: 0 })).toBeNull();
  });
});
