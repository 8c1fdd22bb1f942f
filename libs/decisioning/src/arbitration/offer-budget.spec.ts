import type { OfferBudget } from '#wayline/catalog';
import { budgetPeriodStart, fitsBudget, TOTAL_BUDGET_PERIOD, type BudgetSpend } from './offer-budget.ts';

describe('fitsBudget', () => {
  const budget = (overrides: Partial<OfferBudget>): OfferBudget => ({ period: 'day', maxDecisions: null, maxValue: null, ...overrides });
  const cases: Array<[string, OfferBudget, BudgetSpend, number, boolean]> = [
    ['first decision', budget({ maxDecisions: 1 }), { decisions: 0, value: 0 }, 10, true],
    ['decisions spent', budget({ maxDecisions: 2 }), { decisions: 2, value: 20 }, 10, false],
    ['one decision left', budget({ maxDecisions: 3 }), { decisions: 2, value: 20 }, 10, true],
    ['value reaches the limit exactly', budget({ maxValue: 30 }), { decisions: 2, value: 20 }, 10, true],
    ['value would pass the limit', budget({ maxValue: 25 }), { decisions: 2, value: 20 }, 10, false],
    ['both limits, decisions spent', budget({ maxDecisions: 2, maxValue: 1000 }), { decisions: 2, value: 20 }, 10, false],
    ['both limits, value spent', budget({ maxDecisions: 100, maxValue: 25 }), { decisions: 2, value: 20 }, 10, false],
    ['offer without a value never spends a value budget', budget({ maxValue: 1 }), { decisions: 50, value: 0 }, 0, true],
  ];

  it.each(cases)('checks %s', (_name, offerBudget, spend, offerValue, fits) => {
    expect(fitsBudget(offerBudget, spend, offerValue)).toBe(fits);
  });
});

describe('budgetPeriodStart', () => {
  it('uses the UTC day for a day budget', () => {
    // 00:30 on 5 December in Amsterdam is still 4 December in UTC.
    expect(budgetPeriodStart({ period: 'day' }, new Date('2026-12-05T00:30:00+01:00'))).toBe('2026-12-04');
  });

  it('uses one fixed period for a total budget', () => {
    expect(budgetPeriodStart({ period: 'total' }, new Date('2026-12-05T12:00:00Z'))).toBe(TOTAL_BUDGET_PERIOD);
  });
});
