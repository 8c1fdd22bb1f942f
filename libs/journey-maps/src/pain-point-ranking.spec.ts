import { newcombeDifferenceInterval } from '#wayline/experiments';
import type { ExperienceCountRow } from './pain-point.repository.ts';
import { rankPainPoints } from './pain-point-ranking.ts';

const row = (
  touchpoint: string,
  experience: 'bad' | 'good',
  customers: number,
  converted: number,
  churned = 0,
): ExperienceCountRow => ({ touchpoint, experience, customers, converted, churned });

const stages = new Map([
  ['call', 'support'],
  ['chat', 'support'],
  ['checkout', 'purchase'],
  ['survey', 'feedback'],
]);

describe('rankPainPoints', () => {
  const rows = [
    row('call', 'bad', 20, 2, 8),
    row('call', 'good', 20, 12, 2),
    row('chat', 'bad', 10, 4, 1),
    row('chat', 'good', 10, 5, 1),
    row('checkout', 'bad', 12, 3, 6),
    row('checkout', 'good', 12, 4, 0),
    row('survey', 'bad', 3, 0),
    row('survey', 'good', 30, 10),
    row('unlisted', 'good', 40, 20),
  ];
  const ranking = rankPainPoints(rows, stages, 10);

  it('ranks by conversion gap, largest first', () => {
    expect(ranking.ranked.map((view) => view.touchpoint)).toEqual(['call', 'chat', 'checkout']);
    expect(ranking.ranked.map((view) => view.rank)).toEqual([1, 2, 3]);
  });

  it('breaks a conversion gap tie by the churn gap', () => {
    // a and b have the same conversion gap (0.4), and b's bad experiences churn more.
    const tie = rankPainPoints(
      [row('a', 'bad', 10, 1, 0), row('a', 'good', 10, 5, 0), row('b', 'bad', 10, 1, 5), row('b', 'good', 10, 5, 0)],
      new Map(),
      1,
    );
    expect(tie.ranked.map((view) => view.touchpoint)).toEqual(['b', 'a']);
  });

  it('reports the numbers behind a rank', () => {
    const call = ranking.ranked[0]!;

    expect(call.stage).toBe('support');
    expect(call.bad).toEqual({ customers: 20, converted: 2, conversionRate: 0.1, churned: 8, churnRate: 0.4 });
    expect(call.good).toEqual({ customers: 20, converted: 12, conversionRate: 0.6, churned: 2, churnRate: 0.1 });
    expect(call.badShare).toBe(0.5);
    expect(call.conversionGap.difference).toBeCloseTo(0.5, 12);
    expect(call.conversionGap.interval95).toEqual(newcombeDifferenceInterval({ successes: 12, n: 20 }, { successes: 2, n: 20 }));
    expect(call.churnGap.difference).toBeCloseTo(0.3, 12);
    expect(call.churnGap.interval95).toEqual(newcombeDifferenceInterval({ successes: 8, n: 20 }, { successes: 2, n: 20 }));
  });

  it('ranks by churn gap separately', () => {
    expect(Object.fromEntries(ranking.ranked.map((view) => [view.touchpoint, view.churnRank]))).toEqual({
      checkout: 1,
      call: 2,
      chat: 3,
    });
  });

  it('marks a moment of truth only when an interval lies above 0', () => {
    expect(ranking.ranked.find((view) => view.touchpoint === 'call')!.momentOfTruth).toBe(true);
    expect(ranking.ranked.find((view) => view.touchpoint === 'chat')!.momentOfTruth).toBe(false);
  });

  it('lists small groups as insufficient data', () => {
    expect(ranking.insufficientData.map((view) => view.touchpoint)).toEqual(['survey', 'unlisted']);
    const survey = ranking.insufficientData[0]!;
    expect(survey.reason).toBe('needs at least 10 customers with a bad and 10 with a good experience; has 3 and 30');
    const unlisted = ranking.insufficientData[1]!;
    expect(unlisted.stage).toBeNull();
    expect(unlisted.bad.conversionRate).toBeNull();
    expect(unlisted.conversionGap).toEqual({ difference: null, interval95: null });
  });

  it('lists journey touchpoints without data as insufficient', () => {
    const empty = rankPainPoints([], stages, 1);

    expect(empty.ranked).toEqual([]);
    expect(empty.insufficientData.map((view) => view.touchpoint)).toEqual(['call', 'chat', 'checkout', 'survey']);
    expect(empty.insufficientData[0]!.badShare).toBeNull();
  });
});
