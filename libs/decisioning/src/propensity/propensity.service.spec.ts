import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import type { UpliftModelRepository } from '../uplift/uplift-model.repository.ts';
import type { DecisionFeatures } from './feature-encoder.ts';
import type { ConversionCount, PropensityModelRepository } from './propensity-model.repository.ts';
import { PropensityService, type ExplorationSlicing } from './propensity.service.ts';
import { seededRandom, type RandomSource } from './thompson-sampling.ts';

const FEATURES: DecisionFeatures = { engagement: 0, valence: null, stage: null, eventCount: 0, daysSinceLastEvent: null, attributes: {} };
const OFFERS = ['a', 'b', 'c'];
/** 150 treated decisions with 120 conversions: still explored, and far ahead of offers without evidence. */
const STRONG: ConversionCount = { decisions: 150, conversions: 120 };

/** Repositories without models, whose treated counts the test sets. */
class FakeEvidence {
  treated = new Map<string, ConversionCount>();
  /** Count and model queries made so far. */
  countQueries = 0;
  modelQueries = 0;
  /** While set, count and model queries wait for it. */
  hold: Promise<void> | null = null;

  readonly propensityModels = {
    findLatest: async () => {
      this.modelQueries += 1;
      await this.hold;
      return new Map();
    },
    countControlConversions: async () => new Map(),
    countTreatedConversions: async (requests: Array<{ offerId: string; since: Date | null }>) => {
      this.countQueries += 1;
      const treated = this.treated;
      await this.hold;
      return new Map(requests.flatMap((request) => (treated.has(request.offerId) ? [[request.offerId, treated.get(request.offerId)!] as const] : [])));
    },
  } as unknown as PropensityModelRepository;

  readonly upliftModels = { findLatest: async () => new Map() } as unknown as UpliftModelRepository;

  /** Makes `offerId` the only offer with strong evidence. */
  favor(offerId: string): void {
    this.treated = new Map([[offerId, STRONG]]);
  }
}

/** A slice scheduler whose slices run only when the test releases them. */
class ManualSlices {
  private readonly waiting: Array<() => void> = [];
  /** Runs each time a computation requests its next slice. */
  onSlice: () => void = () => {};

  readonly nextSlice = (): Promise<void> => {
    this.onSlice();
    return new Promise((resolve) => this.waiting.push(resolve));
  };

  get pending(): number {
    return this.waiting.length;
  }

  /** Releases slices, letting promise callbacks settle in between, until none waits. Returns how many ran. */
  async runAll(): Promise<number> {
    let released = 0;
    for (;;) {
      await settle();
      const next = this.waiting.shift();
      if (next === undefined) {
        return released;
      }
      released += 1;
      next();
    }
  }
}

class RecordingLogger {
  readonly errors: string[] = [];
  child(): this {
    return this;
  }
  error(_details: unknown, message: string): void {
    this.errors.push(message);
  }
  warn(): void {}
  info(): void {}
  debug(): void {}
}

/** A seeded random source that counts its calls and throws while `failing` is set. */
class TestRandom {
  calls = 0;
  failing = false;
  private readonly seeded: RandomSource;

  constructor(seed: number) {
    this.seeded = seededRandom(seed);
  }

  readonly next: RandomSource = () => {
    if (this.failing) {
      throw new Error('random source failed');
    }
    this.calls += 1;
    return this.seeded();
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(slicing: Partial<ExplorationSlicing> = {}) {
  const evidence = new FakeEvidence();
  const slices = new ManualSlices();
  const logger = new RecordingLogger();
  const random = new TestRandom(7);
  const service = new PropensityService(evidence.propensityModels, evidence.upliftModels, logger as unknown as Logger, random.next, undefined, {
    nextSlice: slices.nextSlice,
    ...slicing,
  });
  return { evidence, slices, logger, random, service };
}

async function exploration(service: PropensityService, offerIds = OFFERS): Promise<Map<string, number>> {
  const scores = await service.scoreOffers(offerIds, FEATURES);
  return new Map(scores.map((score) => [score.offerId, score.explorationProbability]));
}

/** Scores the offers while releasing every slice, for a decision that waits for its estimate. */
async function explorationWithSlices(service: PropensityService, slices: ManualSlices, offerIds = OFFERS): Promise<Map<string, number>> {
  const pending = exploration(service, offerIds);
  await slices.runAll();
  return pending;
}

describe('PropensityService shared exploration estimate', () => {
  it('computes the first estimate at once', async () => {
    const { slices, service } = setup();

    const wins = await exploration(service);

    expect(slices.pending).toBe(0);
    expect([...wins.values()].reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
  });

  it('serves the previous estimate during a refresh', async () => {
    const { evidence, slices, service } = setup();
    const first = await explorationWithSlices(service, slices);
    evidence.favor('c');
    service.forgetModels();

    // Resolves without any slice being released, so nothing was computed on the request path.
    const during = await exploration(service);

    expect(during).toEqual(first);
    expect(first.get('c')).toBeLessThan(0.6);
    expect(slices.pending).toBe(1);
  });

  it('swaps in the refreshed estimate', async () => {
    const { evidence, slices, service } = setup();
    await explorationWithSlices(service, slices);
    evidence.favor('c');
    service.forgetModels();
    await exploration(service);

    await slices.runAll();
    const after = await exploration(service);

    expect(after.get('c')).toBeGreaterThan(0.99);
    expect(slices.pending).toBe(0);
  });

  it('serves an estimate two loads behind and refreshes it in slices', async () => {
    const { evidence, slices, service } = setup();
    const first = await explorationWithSlices(service, slices);
    evidence.favor('b');
    service.forgetModels();
    await exploration(service);

    // Two loads newer than the finished estimate: still served, so nothing runs on the request path.
    evidence.favor('c');
    service.forgetModels();
    const during = await exploration(service);
    await slices.runAll();
    const latest = await exploration(service);

    expect(during).toEqual(first);
    expect(latest.get('c')).toBeGreaterThan(0.99);
    expect(slices.pending).toBe(0);
  });

  it('recovers after a failed refresh', async () => {
    const { evidence, slices, logger, random, service } = setup();
    const first = await explorationWithSlices(service, slices);
    evidence.favor('c');
    service.forgetModels();
    await exploration(service);

    random.failing = true;
    await slices.runAll();
    random.failing = false;
    const afterFailure = await exploration(service);
    const retried = await slices.runAll();
    const after = await exploration(service);

    expect(logger.errors).toEqual(['Exploration estimate failed']);
    expect(afterFailure).toEqual(first);
    expect(retried).toBeGreaterThan(0);
    expect(after.get('c')).toBeGreaterThan(0.99);
  });

  it('rejects a decision whose first estimate fails', async () => {
    const { random, service } = setup();

    random.failing = true;
    const outcome = await exploration(service).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    random.failing = false;
    const retried = await exploration(service);

    expect(outcome).toBe('random source failed');
    expect([...retried.values()].reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
  });

  it('keeps an estimate per offer set', async () => {
    const { slices, service } = setup();
    const three = await explorationWithSlices(service, slices);
    const two = await explorationWithSlices(service, slices, ['a', 'b']);

    expect(await exploration(service)).toEqual(three);
    expect(await exploration(service, ['a', 'b'])).toEqual(two);
    expect(slices.pending).toBe(0);
  });
});

describe('PropensityService estimate slices', () => {
  // 200 exploring offers: 250 rounds and 250 draws per pool, as in the benchmark's catalog.
  const MANY = Array.from({ length: 200 }, (_, index) => `offer-${index}`);

  /** Gives every offer new treated counts, so each posterior and draw pool changes. */
  function changeEvery(evidence: FakeEvidence, service: PropensityService): void {
    evidence.treated = new Map(MANY.map((offerId) => [offerId, { decisions: 10, conversions: 1 }]));
    service.forgetModels();
  }

  it('refills the draw pools in slices', async () => {
    // One slice plays every round, so the slices count the pool refills alone.
    const { evidence, slices, random, service } = setup({ valuesPerSlice: Number.MAX_SAFE_INTEGER });
    await exploration(service, MANY);
    changeEvery(evidence, service);
    const perSlice: number[] = [];
    let mark = random.calls;
    slices.onSlice = () => {
      perSlice.push(random.calls - mark);
      mark = random.calls;
    };
    const before = random.calls;

    await exploration(service, MANY);
    await slices.runAll();

    // The first entry is the decision's own draws before the refresh starts.
    const slicesWork = perSlice.slice(1);
    // 50,000 Beta draws take at least 4 uniform numbers each, and 1,000 draws per slice take far fewer than 15,000.
    expect(random.calls - before).toBeGreaterThan(200_000);
    expect(Math.max(...slicesWork)).toBeLessThan(15_000);
  });

  it('plays the rounds in slices', async () => {
    // 200 values per slice is one round of 200 offers, and one slice refills every pool.
    const { evidence, slices, service } = setup({ valuesPerSlice: 200, poolDrawsPerSlice: Number.MAX_SAFE_INTEGER });
    await exploration(service, MANY);
    changeEvery(evidence, service);

    await exploration(service, MANY);
    const released = await slices.runAll();

    // One slice for the pools and one per round.
    expect(released).toBe(1 + 250);
  });
});

/** Rejects when `work` has not resolved within a second: a decision that waits for a held query. */
async function withoutWaiting<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the decision waited for the reload')), 1000);
  });
  try {
    return await Promise.race([work, waited]);
  } finally {
    clearTimeout(timer);
  }
}

describe('PropensityService periodic reloads', () => {
  let clock: number;

  beforeEach(() => {
    clock = Date.parse('2026-12-05T08:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('keeps old counts during a reload', async () => {
    const { evidence, slices, service } = setup();
    const first = await explorationWithSlices(service, slices);
    let release = (): void => {};
    evidence.hold = new Promise((resolve) => {
      release = resolve;
    });
    evidence.favor('c');
    clock += 2_500;

    const during = await withoutWaiting(exploration(service));
    release();
    evidence.hold = null;
    await settle();
    // The reloaded counts start a new estimate in slices; the decision after it reads the result.
    await explorationWithSlices(service, slices);
    const after = await exploration(service);

    expect(during).toEqual(first);
    expect(evidence.countQueries).toBe(4);
    expect(after.get('c')).toBeGreaterThan(0.99);
  });

  it('keeps old models during a reload', async () => {
    const { evidence, slices, service } = setup();
    await explorationWithSlices(service, slices);
    const modelQueries = evidence.modelQueries;
    evidence.hold = new Promise(() => {});
    clock += 31_000;

    const scores = await withoutWaiting(service.scoreOffers(OFFERS, FEATURES));

    expect(scores).toHaveLength(OFFERS.length);
    expect(evidence.modelQueries).toBe(modelQueries + 1);
  });
});
