import {
  buildUpliftResult,
  DEFAULT_MIXTURE_SCALE,
  mixtureSequentialLook,
  sampleMomentsFromSums,
  SEQUENTIAL_ALPHA,
  type UpliftMetric,
} from './statistics/index.ts';
import type { CustomerTimeline, DailySpend } from './uplift.repository.ts';

/** Uplift as it stood at the end of one UTC day, counting every customer and outcome up to then. */
export interface CumulativeUpliftPoint {
  date: string;
  control: { n: number; conversions: number; rate: number | null };
  treatment: { n: number; conversions: number; rate: number | null };
  absolute: number | null;
  /** Fixed-sample 95% interval (Newcombe or Welch): valid only for a single look. */
  ci95: [number, number] | null;
  pValue: number | null;
  /** Always-valid 95% interval: the running intersection of the mSPRT intervals up to this day. */
  sequentialCi95: [number, number] | null;
  /** Always-valid p-value: the running minimum of 1 / mixture likelihood ratio. */
  sequentialPValue: number | null;
}

interface ArmState {
  n: number;
  visitors: number;
  converters: number;
  spend: number;
  spendSquares: number;
}

/**
 * Computes one point per UTC day from the first membership to the last day with a membership
 * or an outcome. A customer's outcomes count from the day they joined, at the earliest.
 * Days without any change still get a point, so the series has no gaps.
 */
export function buildCumulativeUplift(
  metric: UpliftMetric,
  customers: readonly CustomerTimeline[],
  spend: readonly DailySpend[],
  mixtureScale = DEFAULT_MIXTURE_SCALE,
): CumulativeUpliftPoint[] {
  if (customers.length === 0) {
    return [];
  }
  const armOf = new Map(customers.map((customer) => [customer.customerId, customer]));
  const changes = new Map<string, Array<(arms: Record<'treatment' | 'control', ArmState>) => void>>();
  const schedule = (day: string, change: (arms: Record<'treatment' | 'control', ArmState>) => void) => {
    const dayChanges = changes.get(day);
    if (dayChanges === undefined) {
      changes.set(day, [change]);
    } else {
      dayChanges.push(change);
    }
  };
  /** Returns the later of two YYYY-MM-DD days, or null when the second is null. */
  const later = (joined: string, day: string | null): string | null => {
    if (day === null) {
      return null;
    }
    return joined > day ? joined : day;
  };

  for (const customer of customers) {
    schedule(customer.joinedDay, (arms) => void (arms[customer.arm].n += 1));
    const visitDay = later(customer.joinedDay, customer.visitDay);
    if (visitDay !== null) {
      schedule(visitDay, (arms) => void (arms[customer.arm].visitors += 1));
    }
    const conversionDay = later(customer.joinedDay, customer.conversionDay);
    if (conversionDay !== null) {
      schedule(conversionDay, (arms) => void (arms[customer.arm].converters += 1));
    }
  }
  const spendSoFar = new Map<string, number>();
  for (const entry of spend) {
    const customer = armOf.get(entry.customerId);
    if (customer === undefined) {
      continue;
    }
    schedule(later(customer.joinedDay, entry.day)!, (arms) => {
      // Σx² is updated by the change of this customer's own total, (b² − a²), so it stays a sum over customers.
      const before = spendSoFar.get(entry.customerId) ?? 0;
      const after = before + entry.value;
      spendSoFar.set(entry.customerId, after);
      arms[customer.arm].spend += entry.value;
      arms[customer.arm].spendSquares += after * after - before * before;
    });
  }

  const days = [...changes.keys()].sort();
  const arms = { treatment: emptyArm(), control: emptyArm() };
  const points: CumulativeUpliftPoint[] = [];
  let sequentialInterval: [number, number] | null = null;
  let sequentialPValue: number | null = null;

  for (const day of everyDay(days[0]!, days[days.length - 1]!)) {
    for (const change of changes.get(day) ?? []) {
      change(arms);
    }
    const result = buildUpliftResult(upliftInput(metric, arms.treatment, arms.control));
    const look = sequentialLook(metric, arms.treatment, arms.control, result.uplift.absolute, mixtureScale);
    if (look.interval !== null) {
      // A difference of two rates lies in [-1, 1]; the normal approximation can reach past it on small samples.
      const interval: [number, number] =
        metric === 'spend' ? look.interval : [Math.max(-1, look.interval[0]), Math.min(1, look.interval[1])];
      const intersection: [number, number] | null =
        sequentialInterval === null
          ? interval
          : [Math.max(sequentialInterval[0], interval[0]), Math.min(sequentialInterval[1], interval[1])];
      // NOTE: the intersection comes out empty with probability below α under the model.
      // The series then restarts from the day's own interval rather than report an empty one.
      sequentialInterval = intersection[0] <= intersection[1] ? intersection : interval;
      sequentialPValue = sequentialPValue === null ? look.pValue : Math.min(sequentialPValue, look.pValue!);
    }
    points.push({
      date: day,
      control: result.control,
      treatment: result.treatment,
      absolute: result.uplift.absolute,
      ci95: result.uplift.ci95,
      pValue: result.uplift.pValue,
      sequentialCi95: sequentialInterval,
      sequentialPValue,
    });
  }
  return points;
}

function emptyArm(): ArmState {
  return { n: 0, visitors: 0, converters: 0, spend: 0, spendSquares: 0 };
}

function upliftInput(metric: UpliftMetric, treatment: ArmState, control: ArmState) {
  if (metric === 'spend') {
    const sums = (arm: ArmState) => ({ n: arm.n, sum: arm.n === 0 ? 0 : arm.spend, sumOfSquares: arm.n === 0 ? 0 : Math.max(0, arm.spendSquares) });
    return { metric, treatment: sums(treatment), control: sums(control) } as const;
  }
  const successes = (arm: ArmState) => (metric === 'visit' ? arm.visitors : arm.converters);
  return {
    metric,
    treatment: { n: treatment.n, successes: successes(treatment) },
    control: { n: control.n, successes: successes(control) },
  } as const;
}

/** Variance of the difference estimate with unpooled arm variances, then the mSPRT look. */
function sequentialLook(metric: UpliftMetric, treatment: ArmState, control: ArmState, absolute: number | null, mixtureScale: number) {
  if (absolute === null || treatment.n < 2 || control.n < 2) {
    return { interval: null, pValue: null };
  }
  let variance: number;
  if (metric === 'spend') {
    const treatmentMoments = sampleMomentsFromSums({ n: treatment.n, sum: treatment.spend, sumOfSquares: Math.max(0, treatment.spendSquares) });
    const controlMoments = sampleMomentsFromSums({ n: control.n, sum: control.spend, sumOfSquares: Math.max(0, control.spendSquares) });
    variance = treatmentMoments.variance! / treatment.n + controlMoments.variance! / control.n;
  } else {
    const rate = (arm: ArmState) => (metric === 'visit' ? arm.visitors : arm.converters) / arm.n;
    const treatmentRate = rate(treatment);
    const controlRate = rate(control);
    variance = (treatmentRate * (1 - treatmentRate)) / treatment.n + (controlRate * (1 - controlRate)) / control.n;
  }
  return mixtureSequentialLook(absolute, variance, { treatment: treatment.n, control: control.n }, mixtureScale, SEQUENTIAL_ALPHA);
}

/** Lists every UTC day from `first` to `last`, both included, as YYYY-MM-DD. */
function everyDay(first: string, last: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${first}T00:00:00Z`); time <= Date.parse(`${last}T00:00:00Z`); time += 86_400_000) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}
