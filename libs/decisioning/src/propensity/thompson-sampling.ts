/** A source of uniform numbers in [0, 1), such as Math.random or {@link seededRandom}. */
export type RandomSource = () => number;

/** Mulberry32: a small, fast 32-bit generator, for reproducible draws in tests and evaluations. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function standardNormal(random: RandomSource): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Draws from Gamma(shape, 1) by Marsaglia and Tsang's method (ACM TOMS 26(3), 2000); for
 * shape < 1 it draws Gamma(shape + 1) and multiplies by U^(1/shape).
 */
export function sampleGamma(shape: number, random: RandomSource): number {
  if (!(shape > 0)) {
    throw new RangeError(`Gamma shape must be positive; got ${shape}`);
  }
  if (shape < 1) {
    return sampleGamma(shape + 1, random) * Math.max(random(), Number.MIN_VALUE) ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      return d * v;
    }
  }
}

/** Draws from Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha) and Y ~ Gamma(beta). */
export function sampleBeta(alpha: number, beta: number, random: RandomSource): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x / (x + y);
}

/** An option's value: fixed, or drawn anew on every round of sampling. */
export interface SampledOption {
  id: string;
  value: number | ((random: RandomSource) => number);
}

/**
 * Estimates, by `rounds` Monte Carlo rounds, the probability that each option has the
 * highest value when the random values are drawn. Ties go to the earlier option, as a
 * stable sort would rank them. With no random value the result is exact: 1 for the first
 * maximum and 0 for the others.
 */
export function winProbabilities(options: readonly SampledOption[], random: RandomSource, rounds = 2000): Map<string, number> {
  const wins = new Map(options.map((option) => [option.id, 0]));
  const totalRounds = roundsToPlay(options, rounds);
  playRounds(options, random, totalRounds, wins);
  return winShares(wins, totalRounds);
}

/** Waits before the next slice of a long computation, so that other callbacks run in between. */
export type SliceScheduler = () => Promise<void>;

/** Resolves on the next turn of the event loop, after the pending I/O callbacks. */
export const nextEventLoopTurn: SliceScheduler = () => new Promise((resolve) => setImmediate(resolve));

/** Slice size and scheduler of {@link winProbabilitiesInSlices}. */
export interface RoundSlicing {
  /** Option values one slice may read. A slice always plays at least one whole round. */
  valuesPerSlice: number;
  nextSlice: SliceScheduler;
}

/**
 * Computes the same estimate as {@link winProbabilities} in slices, waiting for
 * `slicing.nextSlice` before each slice. A slice plays as many whole rounds as fit in
 * `slicing.valuesPerSlice` option values, and at least one. With the same random sequence it returns the same result. Other work that
 * draws from `random` between the slices changes the sequence.
 */
export async function winProbabilitiesInSlices(
  options: readonly SampledOption[],
  random: RandomSource,
  rounds: number,
  slicing: RoundSlicing,
): Promise<Map<string, number>> {
  const wins = new Map(options.map((option) => [option.id, 0]));
  const totalRounds = roundsToPlay(options, rounds);
  const roundsPerSlice = Math.max(1, Math.floor(slicing.valuesPerSlice / Math.max(1, options.length)));
  for (let played = 0; played < totalRounds; played += roundsPerSlice) {
    await slicing.nextSlice();
    playRounds(options, random, Math.min(roundsPerSlice, totalRounds - played), wins);
  }
  return winShares(wins, totalRounds);
}

/** Rounds an estimate plays: one when no value is random, because every round would agree. */
function roundsToPlay(options: readonly SampledOption[], rounds: number): number {
  return options.some((option) => typeof option.value === 'function') ? rounds : 1;
}

/** Plays `rounds` rounds and adds one win per round to the option with the highest value. */
function playRounds(options: readonly SampledOption[], random: RandomSource, rounds: number, wins: Map<string, number>): void {
  for (let round = 0; round < rounds; round++) {
    let bestId: string | null = null;
    let bestValue = -Infinity;
    for (const option of options) {
      const value = typeof option.value === 'function' ? option.value(random) : option.value;
      if (bestId === null || value > bestValue) {
        bestId = option.id;
        bestValue = value;
      }
    }
    if (bestId !== null) {
      wins.set(bestId, wins.get(bestId)! + 1);
    }
  }
}

function winShares(wins: Map<string, number>, totalRounds: number): Map<string, number> {
  return new Map([...wins].map(([id, count]) => [id, count / totalRounds]));
}
