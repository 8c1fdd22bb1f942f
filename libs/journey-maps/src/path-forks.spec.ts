import type { RouteHeadRow } from './journey-path.repository.ts';
import { findForks, MAX_FORKS } from './path-forks.ts';

const head = (firstStage: string, secondStage: string | null, customers: number, converted = 0): RouteHeadRow => ({
  firstStage,
  secondStage,
  customers,
  converted,
});

const rule = { minShare: 0.2, minCustomers: 5 };

describe('findForks', () => {
  it('finds a stage with two branches', () => {
    const forks = findForks(
      [head('awareness', 'consideration', 30, 12), head('awareness', 'purchase', 10, 6), head('awareness', null, 60)],
      rule,
    );

    expect(forks).toEqual([
      {
        firstStage: 'awareness',
        customers: 100,
        movedOn: 40,
        routes: [
          { secondStage: 'consideration', customers: 30, share: 0.75, converted: 12, conversionRate: 0.4 },
          { secondStage: 'purchase', customers: 10, share: 0.25, converted: 6, conversionRate: 0.6 },
        ],
      },
    ]);
  });

  it('drops a route below the share', () => {
    // 9 of 50 who moved on is 18%.
    expect(findForks([head('a', 'b', 41), head('a', 'c', 9)], rule)).toEqual([]);
  });

  it('keeps a route exactly at the share', () => {
    expect(findForks([head('a', 'b', 40), head('a', 'c', 10)], rule)[0]!.routes.map((route) => route.secondStage)).toEqual([
      'b',
      'c',
    ]);
  });

  it('drops a route below the customer minimum', () => {
    expect(findForks([head('a', 'b', 6), head('a', 'c', 4)], rule)).toEqual([]);
  });

  it('orders forks by customers and caps their number', () => {
    const heads = Array.from({ length: MAX_FORKS + 2 }, (_, index) => [
      head(`s${index}`, 'x', 10 + index),
      head(`s${index}`, 'y', 10 + index),
    ]).flat();

    const forks = findForks(heads, rule);

    expect(forks).toHaveLength(MAX_FORKS);
    expect(forks[0]!.firstStage).toBe(`s${MAX_FORKS + 1}`);
  });
});
