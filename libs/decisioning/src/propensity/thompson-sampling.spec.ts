import { sampleBeta, sampleGamma, seededRandom, winProbabilities, winProbabilitiesInSlices, type SampledOption } from './thompson-sampling.ts';

const DRAWS = 40_000;

function moments(draw: () => number): { mean: number; variance: number } {
  const values = Array.from({ length: DRAWS }, draw);
  const mean = values.reduce((a, b) => a + b, 0) / DRAWS;
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / (DRAWS - 1);
  return { mean, variance };
}

describe('seededRandom', () => {
  it('repeats its sequence for a seed', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);

    expect(Array.from({ length: 5 }, first)).toEqual(Array.from({ length: 5 }, second));
  });

  it('stays in [0, 1)', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 10_000 }, random);

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

/**
 * Beta(a, b) has mean a / (a + b) and variance ab / ((a + b)^2 (a + b + 1)); Gamma(k, 1)
 * has mean and variance k. The tolerances are about five standard errors for 40,000 draws.
 */
describe.each([
  { alpha: 2, beta: 5, mean: 2 / 7, variance: 10 / (49 * 8) },
  { alpha: 0.5, beta: 0.5, mean: 0.5, variance: 0.25 / 2 },
  { alpha: 1, beta: 49, mean: 0.02, variance: 49 / (2500 * 51) },
])('sampleBeta($alpha, $beta)', ({ alpha, beta, mean, variance }) => {
  const random = seededRandom(42);
  const drawn = moments(() => sampleBeta(alpha, beta, random));

  it('matches the mean', () => {
    expect(Math.abs(drawn.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / DRAWS));
  });

  it('matches the variance', () => {
    expect(Math.abs(drawn.variance - variance) / variance).toBeLessThan(0.05);
  });
});

describe('sampleGamma', () => {
  it('matches the mean of shape 3', () => {
    const random = seededRandom(3);
    const drawn = moments(() => sampleGamma(3, random));

    expect(Math.abs(drawn.mean - 3)).toBeLessThan(5 * Math.sqrt(3 / DRAWS));
  });

  it('rejects a shape of 0', () => {
    expect(() => sampleGamma(0, Math.random)).toThrow(/shape must be positive/);
  });
});

describe('winProbabilities', () => {
  it('is exact without random options', () => {
    const wins = winProbabilities([{ id: 'a', value: 0.1 }, { id: 'b', value: 0.3 }, { id: 'c', value: 0.3 }], seededRandom(1));

    expect(wins).toEqual(new Map([['a', 0], ['b', 1], ['c', 0]]));
  });

  // A Beta(1, 1) draw beats 0.5 with probability 1 - 0.5.
  it('matches the uniform draw against a constant', () => {
    const random = seededRandom(9);
    const wins = winProbabilities([{ id: 'fixed', value: 0.5 }, { id: 'drawn', value: (r) => sampleBeta(1, 1, r) }], random, 8000);

    expect(Math.abs(wins.get('drawn')! - 0.5)).toBeLessThan(0.03);
    expect(wins.get('fixed')! + wins.get('drawn')!).toBeCloseTo(1, 12);
  });

  // Beta(2, 1) has the CDF x^2, so it beats 0.3 with probability 1 - 0.09.
  it('matches a Beta(2, 1) draw against a constant', () => {
    const random = seededRandom(10);
    const wins = winProbabilities([{ id: 'fixed', value: 0.3 }, { id: 'drawn', value: (r) => sampleBeta(2, 1, r) }], random, 8000);

    expect(Math.abs(wins.get('drawn')! - 0.91)).toBeLessThan(0.02);
  });

  it('returns an empty map for no options', () => {
    expect(winProbabilities([], seededRandom(1)).size).toBe(0);
  });
});

describe('winProbabilitiesInSlices', () => {
  /** Three options drawn from different Beta posteriors, counting the values read. */
  function countedOptions(): { options: SampledOption[]; reads: () => number } {
    let reads = 0;
    const options = [
      { alpha: 2, beta: 5 },
      { alpha: 3, beta: 4 },
      { alpha: 1, beta: 1 },
    ].map(({ alpha, beta }, index) => ({
      id: `option-${index}`,
      value: (random: () => number) => {
        reads += 1;
        return sampleBeta(alpha, beta, random);
      },
    }));
    return { options, reads: () => reads };
  }

  it('matches the unsliced estimate', async () => {
    const sliced = await winProbabilitiesInSlices(countedOptions().options, seededRandom(4), 500, {
      valuesPerSlice: 30,
      nextSlice: () => Promise.resolve(),
    });

    expect(sliced).toEqual(winProbabilities(countedOptions().options, seededRandom(4), 500));
  });

  it('reads at most valuesPerSlice values per slice', async () => {
    const { options, reads } = countedOptions();
    const perSlice: number[] = [];
    let mark = 0;
    const nextSlice = async () => {
      perSlice.push(reads() - mark);
      mark = reads();
    };

    await winProbabilitiesInSlices(options, seededRandom(5), 500, { valuesPerSlice: 30, nextSlice });
    perSlice.push(reads() - mark);

    // 30 values are 10 rounds of 3 options: 50 slices, each waited for, and nothing before the first.
    expect(perSlice[0]).toBe(0);
    expect(perSlice.slice(1)).toEqual(Array.from({ length: 50 }, () => 30));
  });

  it('plays a whole round when one exceeds the slice', async () => {
    const { options, reads } = countedOptions();
    let slices = 0;

    await winProbabilitiesInSlices(options, seededRandom(6), 20, { valuesPerSlice: 1, nextSlice: async () => void (slices += 1) });

    expect(slices).toBe(20);
    expect(reads()).toBe(60);
  });

  it('plays one round without random values', async () => {
    let slices = 0;

    const wins = await winProbabilitiesInSlices([{ id: 'a', value: 0.2 }, { id: 'b', value: 0.4 }], seededRandom(1), 500, {
      valuesPerSlice: 1,
      nextSlice: async () => void (slices += 1),
    });

    expect(wins).toEqual(new Map([['a', 0], ['b', 1]]));
    expect(slices).toBe(1);
  });
});
