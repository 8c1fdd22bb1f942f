import { compareCodeUnits } from '#wayline/journey-definitions';
import { newcombeDifferenceInterval } from '#wayline/experiments';
import type { ExperienceCountRow } from './pain-point.repository.ts';

/** Confidence level of the intervals of the gaps. */
export const GAP_CONFIDENCE = 0.95;

export interface ExperienceGroupView {
  customers: number;
  converted: number;
  /** converted / customers, or null without customers. */
  conversionRate: number | null;
  churned: number;
  churnRate: number | null;
}

/** A difference of two rates with its 95% Newcombe hybrid score interval. */
export interface GapView {
  difference: number | null;
  interval95: [number, number] | null;
}

export interface TouchpointExperienceView {
  touchpoint: string;
  /** The stage that lists the touchpoint, or null when the journey does not list it. */
  stage: string | null;
  bad: ExperienceGroupView;
  good: ExperienceGroupView;
  /** bad / (bad + good) customers, or null when neither group has any. */
  badShare: number | null;
  /** Conversion rate after a good experience minus after a bad one. */
  conversionGap: GapView;
  /** Churn rate after a bad experience minus after a good one. */
  churnGap: GapView;
}

export interface RankedTouchpointView extends TouchpointExperienceView {
  /** 1 for the largest conversion gap; ties go to the larger churn gap, then the touchpoint name. */
  rank: number;
  /** 1 for the largest churn gap; ties go to the larger conversion gap, then the touchpoint name. */
  churnRank: number;
  /** True when the interval of the conversion gap or of the churn gap lies above 0. */
  momentOfTruth: boolean;
}

export interface InsufficientTouchpointView extends TouchpointExperienceView {
  reason: string;
}

export interface PainPointRanking {
  ranked: RankedTouchpointView[];
  insufficientData: InsufficientTouchpointView[];
}

/**
 * Ranks touchpoints by how much a bad experience there costs, compared with a good one.
 * A touchpoint is ranked only when both groups have at least `minCustomers` customers;
 * the others, including listed touchpoints without data, go to `insufficientData`.
 *
 * @param stageByTouchpoint the journey's touchpoints in journey order, with their stage.
 */
export function rankPainPoints(
  rows: readonly ExperienceCountRow[],
  stageByTouchpoint: ReadonlyMap<string, string>,
  minCustomers: number,
): PainPointRanking {
  const countsByTouchpoint = new Map<string, { bad?: ExperienceCountRow; good?: ExperienceCountRow }>();
  for (const touchpoint of stageByTouchpoint.keys()) {
    countsByTouchpoint.set(touchpoint, {});
  }
  const unlisted = [...new Set(rows.map((row) => row.touchpoint))].filter((touchpoint) => !stageByTouchpoint.has(touchpoint));
  for (const touchpoint of unlisted.sort(compareCodeUnits)) {
    countsByTouchpoint.set(touchpoint, {});
  }
  for (const row of rows) {
    countsByTouchpoint.get(row.touchpoint)![row.experience] = row;
  }

  const sufficient: TouchpointExperienceView[] = [];
  const insufficientData: InsufficientTouchpointView[] = [];
  for (const [touchpoint, counts] of countsByTouchpoint) {
    const view = describeTouchpoint(touchpoint, stageByTouchpoint.get(touchpoint) ?? null, counts.bad, counts.good);
    if (view.bad.customers >= minCustomers && view.good.customers >= minCustomers) {
      sufficient.push(view);
    } else {
      insufficientData.push({
        ...view,
        reason:
          `needs at least ${minCustomers} customers with a bad and ${minCustomers} with a good experience; ` +
          `has ${view.bad.customers} and ${view.good.customers}`,
      });
    }
  }

  const byConversionGap = [...sufficient].sort(
    (a, b) =>
      compareDescending(a.conversionGap.difference, b.conversionGap.difference) ||
      compareDescending(a.churnGap.difference, b.churnGap.difference) ||
      compareCodeUnits(a.touchpoint, b.touchpoint),
  );
  const churnRanks = new Map(
    [...sufficient]
      .sort(
        (a, b) =>
          compareDescending(a.churnGap.difference, b.churnGap.difference) ||
          compareDescending(a.conversionGap.difference, b.conversionGap.difference) ||
          compareCodeUnits(a.touchpoint, b.touchpoint),
      )
      .map((view, index) => [view.touchpoint, index + 1]),
  );

  const ranked = byConversionGap.map((view, index) => ({
    ...view,
    rank: index + 1,
    churnRank: churnRanks.get(view.touchpoint)!,
    momentOfTruth: isAboveZero(view.conversionGap) || isAboveZero(view.churnGap),
  }));
  return { ranked, insufficientData };
}

function describeTouchpoint(
  touchpoint: string,
  stage: string | null,
  badRow: ExperienceCountRow | undefined,
  goodRow: ExperienceCountRow | undefined,
): TouchpointExperienceView {
  const bad = toGroup(badRow);
  const good = toGroup(goodRow);
  const decisive = bad.customers + good.customers;
  return {
    touchpoint,
    stage,
    bad,
    good,
    badShare: decisive === 0 ? null : bad.customers / decisive,
    conversionGap: gapOf(
      { successes: good.converted, n: good.customers },
      { successes: bad.converted, n: bad.customers },
    ),
    churnGap: gapOf({ successes: bad.churned, n: bad.customers }, { successes: good.churned, n: good.customers }),
  };
}

function toGroup(row: ExperienceCountRow | undefined): ExperienceGroupView {
  const customers = row?.customers ?? 0;
  const converted = row?.converted ?? 0;
  const churned = row?.churned ?? 0;
  return {
    customers,
    converted,
    conversionRate: customers === 0 ? null : converted / customers,
    churned,
    churnRate: customers === 0 ? null : churned / customers,
  };
}

/** first minus second, with Newcombe's interval; null parts when a group is empty. */
function gapOf(first: { successes: number; n: number }, second: { successes: number; n: number }): GapView {
  if (first.n === 0 || second.n === 0) {
    return { difference: null, interval95: null };
  }
  return {
    difference: first.successes / first.n - second.successes / second.n,
    interval95: newcombeDifferenceInterval(first, second, GAP_CONFIDENCE),
  };
}

function isAboveZero(gap: GapView): boolean {
  return gap.interval95 !== null && gap.interval95[0] > 0;
}

/** Sorts larger numbers first and nulls last. */
function compareDescending(a: number | null, b: number | null): number {
  if (a === b) {
    return 0;
  }
  if (a === null) {
    return 1;
  }
  if (b === null) {
    return -1;
  }
  return b - a;
}
