import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import type { DecisionFeatures } from './feature-encoder.ts';
import { DecisioningChanges } from '../decisioning-changes.ts';
import { logOdds, predictLogisticModel } from './logistic-model.ts';
import { sigmoid } from './logistic-regression.ts';
import { PropensityModelRepository, type ConversionCount, type StoredPropensityModel } from './propensity-model.repository.ts';
import { recalibratedUplift, recalibrationOffset, type UpliftOutcomesSince } from './recalibration.ts';
import {
  nextEventLoopTurn,
  sampleBeta,
  winProbabilities,
  winProbabilitiesInSlices,
  type RandomSource,
  type SampledOption,
  type SliceScheduler,
} from './thompson-sampling.ts';
import { UpliftModelRepository, type StoredUpliftModel } from '../uplift/uplift-model.repository.ts';

/**
 * Beta(1, 49) prior on an offer's conversion rate, for treated and for control customers:
 * a mean of 2%, worth 50 observations. 2% is a typical e-mail conversion rate; real data
 * moves the estimate after a few hundred sends.
 */
export const PRIOR_ALPHA = 1;
export const PRIOR_BETA = 49;

/**
 * An offer without a model and with fewer treated decisions than this is explored: its
 * score is a Thompson draw from its Beta posterior instead of the posterior mean. The
 * same number of treated decisions is the minimum for training a model.
 */
export const MIN_EVIDENCE_DECISIONS = 200;

/**
 * Models and control counts are reloaded this often, in the background while decisions
 * keep the previous ones. A training announces its new versions (see DecisioningChanges),
 * so replicas normally reload at once, and decisions wait for that reload. This bound
 * covers a lost message.
 */
const MODEL_CACHE_TTL_MS = 30_000;
/**
 * Treated decisions and conversions per offer are counted at most this often per process,
 * instead of on every decision: one aggregate over the decisions table per offer and
 * decision would cost more than the rest of the decision. Outcomes move the scores within
 * this time.
 */
export const TREATED_COUNTS_TTL_MS = 2_000;
/**
 * Monte Carlo rounds for the probability that Thompson sampling picks each offer. The
 * estimate's standard error is at most 0.5 / sqrt(1000) ≈ 0.016; 10 exploring offers take
 * about 3 ms per decision (Node 20 on a shared 2-core machine).
 */
const EXPLORATION_ROUNDS = 1000;
/**
 * Posterior draws one decision may read for that estimate. With many exploring offers the
 * rounds shrink to fit, down to EXPLORATION_MIN_ROUNDS (standard error at most 0.035).
 */
const EXPLORATION_DRAW_BUDGET = 50_000;
const EXPLORATION_MIN_ROUNDS = 200;

/** Monte Carlo rounds of one exploration estimate with `exploring` offers drawn from their posteriors. */
function explorationRounds(exploring: number): number {
  return Math.max(EXPLORATION_MIN_ROUNDS, Math.min(EXPLORATION_ROUNDS, Math.floor(EXPLORATION_DRAW_BUDGET / Math.max(1, exploring))));
}

/** Offer sets whose exploration estimates are kept. A new set beyond that drops the set added first. */
const MAX_SHARED_WIN_SETS = 256;

/**
 * Option values one slice of a shared exploration estimate reads (25 rounds of 200 offers),
 * and posterior draws one slice makes while it refills the pools. Each slice took at most
 * about 0.7 ms in a micro-benchmark on Node 20 on a shared 2-core machine, where 50,000
 * Beta draws took 15 to 27 ms and 250 rounds of 200 offers 0.7 to 7 ms.
 */
const ESTIMATE_VALUES_PER_SLICE = 5_000;
const ESTIMATE_POOL_DRAWS_PER_SLICE = 1_000;

/** Offers whose posterior draws are kept; beyond that the pools are dropped and drawn again. */
const MAX_DRAW_POOLS = 10_000;

/** Injection token for the uniform random source of Thompson sampling; Math.random by default. */
export const EXPLORATION_RANDOM = Symbol('EXPLORATION_RANDOM');

/** Slice sizes and scheduler of the shared exploration estimates, which tests replace. */
export interface ExplorationSlicing {
  /** Waits before each slice. The default waits for the next turn of the event loop. */
  nextSlice: SliceScheduler;
  /** Option values one slice of Monte Carlo rounds reads. */
  valuesPerSlice: number;
  /** Posterior draws one slice makes while it refills the draw pools. */
  poolDrawsPerSlice: number;
}

/** Injection token for {@link ExplorationSlicing}. Each missing field takes its default. */
export const EXPLORATION_SLICING = Symbol('EXPLORATION_SLICING');

export type ScoreSource = 'model' | 'prior' | 'exploration';

export interface OfferScore {
  offerId: string;
  /** Conversion probability if the customer is treated with the offer. */
  probability: number;
  /**
   * Predicted increase of the conversion probability from treatment, the ranking score:
   * from the uplift model, or the treated probability minus the control posterior mean.
   */
  uplift: number;
  /**
   * model: a trained model scored the customer. prior: no model, but enough decisions for
   * the posterior mean. exploration: too little evidence, so the probability is a Thompson
   * draw from the Beta posterior.
   */
  source: ScoreSource;
  /** Propensity model as `offerId@version`, or null. */
  modelVersion: string | null;
  /** Uplift model as `offerId@version`, or null. */
  upliftModelVersion: string | null;
  /** Probability that this offer has the highest weighted uplift when the explored offers are drawn again. */
  explorationProbability: number;
}

export interface ScoreOptions {
  /**
   * Multiplier of each offer's uplift when offers compete for the exploration probability,
   * such as the offer's value; 1 when absent.
   */
  weights?: ReadonlyMap<string, number>;
}

interface ModelCache {
  /** Number of the cache, counting up from 1, so a decision can tell which models are newer. */
  load: number;
  loadedAt: number;
  /** Version of the models change signal when the cache was started. */
  signalVersion: number;
  propensity: Map<string, StoredPropensityModel>;
  uplift: Map<string, StoredUpliftModel>;
  control: Map<string, ConversionCount>;
  looked: Set<string>;
}

/** The models and outcome counts an exploration estimate is computed from. */
interface Evidence {
  models: ModelCache;
  outcomes: OutcomeCounts;
}

/** The inputs of one exploration estimate of a customer-independent offer set. */
interface EstimateJob {
  evidence: Evidence;
  candidates: SampledOption[];
  /** Posterior of each exploring offer, whose draw pool the rounds read. */
  pools: Array<{ offerId: string; alpha: number; beta: number }>;
  rounds: number;
}

/** The exploration estimate of one offer set and weights, shared by the decisions that score them. */
interface SharedEstimate {
  /** The newest finished estimate. */
  finished: { wins: Map<string, number>; evidence: Evidence } | null;
  /** The estimate being computed in slices, for newer evidence than `finished`. */
  running: { wins: Promise<Map<string, number>>; evidence: Evidence } | null;
  /** The newest evidence seen while `running` was computed; estimated when it ends. */
  queued: EstimateJob | null;
}

/** One load of outcome counts, shared by the decisions that read it. */
interface CountsEntry {
  loadedAt: number;
  counts: Promise<OutcomeCounts>;
  /** The counts once the load has finished, so later decisions can keep them while the next load runs. */
  settled: OutcomeCounts | null;
  offerIds: Set<string>;
}

interface OutcomeCounts {
  /** Number of the load, counting up from 1, so a decision can tell which counts are newer. */
  load: number;
  /** Treated outcomes since each offer's propensity model, or all of them for offers without one. */
  treated: Map<string, ConversionCount>;
  /** Outcomes in each arm since the uplift model's data window, for offers with an uplift model. */
  sinceUplift: Map<string, UpliftOutcomesSince>;
}

@Injectable()
export class PropensityService {
  private readonly logger: Logger;
  private readonly random: RandomSource;
  private readonly slicing: ExplorationSlicing;
  private cache: ModelCache | null = null;
  private modelLoads = 0;
  private readonly drawPools = new Map<string, { alpha: number; beta: number; draws: Float64Array }>();
  /** By the scored offers and their weights, in scoring order (see offerSetKey). */
  private readonly sharedEstimates = new Map<string, SharedEstimate>();
  private outcomeCounts: CountsEntry | null = null;
  /** The background reload of outcome counts or models, at most one of each at a time. */
  private countsRefresh: Promise<void> | null = null;
  private modelsRefresh: Promise<void> | null = null;
  private outcomeLoads = 0;

  constructor(
    private readonly propensityModels: PropensityModelRepository,
    private readonly upliftModels: UpliftModelRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(EXPLORATION_RANDOM) random?: RandomSource,
    @Optional() @Inject(DecisioningChanges) private readonly changes?: DecisioningChanges,
    @Optional() @Inject(EXPLORATION_SLICING) slicing?: Partial<ExplorationSlicing>,
  ) {
    this.logger = rootLogger.child({ context: 'PropensityService' });
    this.random = random ?? Math.random;
    this.slicing = {
      nextSlice: slicing?.nextSlice ?? nextEventLoopTurn,
      valuesPerSlice: slicing?.valuesPerSlice ?? ESTIMATE_VALUES_PER_SLICE,
      poolDrawsPerSlice: slicing?.poolDrawsPerSlice ?? ESTIMATE_POOL_DRAWS_PER_SLICE,
    };
  }

  /**
   * Scores each offer for this customer: the treated conversion probability, the uplift
   * used for ranking, where they came from, and the probability that Thompson sampling
   * ranks the offer first among these offers.
   */
  async scoreOffers(offerIds: string[], features: DecisionFeatures, options: ScoreOptions = {}): Promise<OfferScore[]> {
    const cache = await this.loadModels(offerIds);
    // Outcomes since each model's data window (all outcomes for offers without a model)
    // are counted at most every TREATED_COUNTS_TTL_MS, so they move the scores between trainings.
    const outcomes = await this.loadOutcomeCounts(offerIds, cache);

    // Each score gets its exploration probability once every offer is scored.
    const scores: OfferScore[] = [];
    const candidates: SampledOption[] = [];
    const pools: EstimateJob['pools'] = [];
    let exploring = 0;
    for (const offerId of offerIds) {
      const treated = outcomes.treated.get(offerId) ?? NO_OUTCOMES;
      const control = cache.control.get(offerId) ?? NO_OUTCOMES;
      const controlMean = posteriorMean(control);
      const propensityModel = cache.propensity.get(offerId);
      const upliftModel = cache.uplift.get(offerId);
      const weight = options.weights?.get(offerId) ?? 1;

      if (propensityModel !== undefined || upliftModel !== undefined) {
        const probability =
          propensityModel !== undefined
            ? sigmoid(logOdds(propensityModel, features) + recalibrationOffset(propensityModel, treated))
            : predictLogisticModel(upliftModel!.treatedModel, features);
        const uplift =
          upliftModel !== undefined
            ? recalibratedUplift(upliftModel, features, outcomes.sinceUplift.get(offerId) ?? { treated: NO_OUTCOMES, control: NO_OUTCOMES })
            : probability - controlMean;
        scores.push({
          offerId,
          probability,
          uplift,
          source: 'model',
          modelVersion: propensityModel === undefined ? null : `${offerId}@${propensityModel.version}`,
          upliftModelVersion: upliftModel === undefined ? null : `${offerId}@${upliftModel.version}`,
          explorationProbability: 0,
        });
        candidates.push({ id: offerId, value: uplift * weight });
        continue;
      }

      const alpha = PRIOR_ALPHA + treated.conversions;
      const beta = PRIOR_BETA + treated.decisions - treated.conversions;
      if (treated.decisions >= MIN_EVIDENCE_DECISIONS) {
        const probability = alpha / (alpha + beta);
        scores.push({ offerId, probability, uplift: probability - controlMean, source: 'prior', modelVersion: null, upliftModelVersion: null, explorationProbability: 0 });
        candidates.push({ id: offerId, value: (probability - controlMean) * weight });
        continue;
      }
      const probability = sampleBeta(alpha, beta, this.random);
      scores.push({
        offerId,
        probability,
        uplift: probability - controlMean,
        source: 'exploration',
        modelVersion: null,
        upliftModelVersion: null,
        explorationProbability: 0,
      });
      // The Monte Carlo rounds read the offer's pool of posterior draws from a random start,
      // so a decision costs array reads instead of thousands of Beta draws. The pool is read
      // on the first round only, so a decision that reuses a shared estimate draws nothing.
      let draws: Float64Array | null = null;
      let next = 0;
      exploring += 1;
      pools.push({ offerId, alpha, beta });
      candidates.push({
        id: offerId,
        value: () => {
          if (draws === null) {
            draws = this.posteriorDraws(offerId, alpha, beta, explorationRounds(exploring));
            next = Math.floor(this.random() * draws.length);
          }
          next = next + 1 === draws.length ? 0 : next + 1;
          return (draws[next]! - controlMean) * weight;
        },
      });
    }

    const wins = await this.explorationWins(
      { evidence: { models: cache, outcomes }, candidates, pools, rounds: explorationRounds(exploring) },
      scores,
      options,
    );
    for (const score of scores) {
      score.explorationProbability = wins.get(score.offerId) ?? 0;
    }
    return scores;
  }

  /**
   * Estimates each offer's probability of the highest weighted uplift by Monte Carlo.
   * With a model among the offers, the values depend on the customer, so each decision
   * runs its own rounds. Without one, the estimate depends only on the offers, their
   * weights, the models and the outcome counts, so the decisions that score the same
   * offers share it (see sharedExplorationWins). With 200 exploring offers the rounds
   * took a fifth of a decision's CPU time.
   */
  private async explorationWins(job: EstimateJob, scores: ReadonlyArray<Pick<OfferScore, 'offerId' | 'source'>>, options: ScoreOptions): Promise<Map<string, number>> {
    if (scores.some((score) => score.source === 'model')) {
      return winProbabilities(job.candidates, this.random, job.rounds);
    }
    // Customers whose policy steps pass different campaigns score different offer sets, so each set has an entry.
    return this.sharedExplorationWins(offerSetKey(scores, options), job);
  }

  /**
   * Returns the shared estimate of an offer set. When the models or outcome counts change,
   * the new estimate is computed in slices that yield to the event loop, because in one
   * piece it paused every request behind it for 10 to 30 ms (200 exploring offers), and
   * for longer when the posterior draw pools had to be refilled first. Decisions keep
   * getting the previous estimate until the new one finishes, however old it is. Only a
   * set seen for the first time computes its estimate at once.
   *
   * So the probability a decision records comes from the evidence of the last time its
   * offer set was estimated. That is usually the previous counts load, 2 s earlier. For a
   * set that no decision scored for a while, it is the evidence of that time. Computing such sets
   * at once instead paused the event loop for 50 to 120 ms whenever a rarely seen set or
   * a pause in traffic met new counts, which set the p99 latency of the benchmark. When
   * the evidence changes again during a sliced computation, that computation still
   * finishes, and the newest evidence is estimated after it. New models without new
   * counts (the periodic model reload) start a computation too.
   */
  private async sharedExplorationWins(key: string, job: EstimateJob): Promise<Map<string, number>> {
    const estimate = this.sharedEstimate(key);
    const finished = estimate.finished;
    if (finished !== null) {
      // A decision that loaded its counts before the estimate's gets the newer estimate.
      if (isNewer(job.evidence, finished.evidence)) {
        this.refreshEstimate(estimate, job);
      }
      return finished.wins;
    }
    const wins = winProbabilities(job.candidates, this.random, job.rounds);
    estimate.finished = { wins, evidence: job.evidence };
    return wins;
  }

  /** Returns the offer set's entry, adding it and dropping the oldest entry when the map is full. */
  private sharedEstimate(key: string): SharedEstimate {
    let estimate = this.sharedEstimates.get(key);
    if (estimate === undefined) {
      if (this.sharedEstimates.size >= MAX_SHARED_WIN_SETS) {
        // A dropped entry's computation still finishes for the decisions that wait for it.
        this.sharedEstimates.delete(this.sharedEstimates.keys().next().value!);
      }
      estimate = { finished: null, running: null, queued: null };
      this.sharedEstimates.set(key, estimate);
    }
    return estimate;
  }

  /** Starts computing the estimate for the job's evidence, or queues it behind the running computation. */
  private refreshEstimate(estimate: SharedEstimate, job: EstimateJob): void {
    if (estimate.running === null) {
      this.startEstimate(estimate, job);
    } else if (isNewer(job.evidence, estimate.running.evidence) && (estimate.queued === null || isNewer(job.evidence, estimate.queued.evidence))) {
      estimate.queued = job;
    }
  }

  private startEstimate(estimate: SharedEstimate, job: EstimateJob): void {
    const wins = this.estimateInSlices(job);
    const running = { wins, evidence: job.evidence };
    estimate.running = running;
    // This handler runs before those of the decisions that wait for `wins`, so they find the result in place.
    wins.then(
      (result) => {
        if (estimate.finished === null || isNewer(job.evidence, estimate.finished.evidence)) {
          estimate.finished = { wins: result, evidence: job.evidence };
        }
        this.startQueuedEstimate(estimate, running);
      },
      (error: unknown) => {
        // The decisions waiting for this estimate fail with the error; the others keep the previous estimate.
        this.logger.error({ err: error, offers: job.candidates.length, outcomeLoad: job.evidence.outcomes.load }, 'Exploration estimate failed');
        this.startQueuedEstimate(estimate, running);
      },
    );
  }

  /** Clears the computation that ended and starts the queued one, when it is newer than the finished estimate. */
  private startQueuedEstimate(estimate: SharedEstimate, ended: SharedEstimate['running']): void {
    if (estimate.running !== ended) {
      return;
    }
    estimate.running = null;
    const queued = estimate.queued;
    estimate.queued = null;
    if (queued !== null && (estimate.finished === null || isNewer(queued.evidence, estimate.finished.evidence))) {
      this.startEstimate(estimate, queued);
    }
  }

  /** Refills the draw pools, then plays the rounds, each in slices between turns of the event loop. */
  private async estimateInSlices(job: EstimateJob): Promise<Map<string, number>> {
    // A slice refills whole pools until it has made poolDrawsPerSlice draws.
    await this.slicing.nextSlice();
    let drawn = 0;
    for (const pool of job.pools) {
      if (this.hasPosteriorDraws(pool.offerId, pool.alpha, pool.beta, job.rounds)) {
        continue;
      }
      if (drawn >= this.slicing.poolDrawsPerSlice) {
        await this.slicing.nextSlice();
        drawn = 0;
      }
      this.posteriorDraws(pool.offerId, pool.alpha, pool.beta, job.rounds);
      drawn += job.rounds;
    }
    return winProbabilitiesInSlices(job.candidates, this.random, job.rounds, this.slicing);
  }

  /** Drops the cached models and counts, so the next score reads the newest versions. */
  forgetModels(): void {
    this.cache = null;
    this.outcomeCounts = null;
  }

  /**
   * At least `size` independent draws from the offer's Beta(alpha, beta) posterior, drawn
   * again whenever the posterior changes. Each offer has a pool of its own, so the draws of
   * different offers in one round stay independent. A pool contains as many draws as the
   * rounds read, because every outcome count reload changes most posteriors. With 200
   * exploring offers, pools of EXPLORATION_ROUNDS draws took 200,000 Beta draws per reload,
   * a 20 ms pause of the event loop every 2 s; pools sized to the rounds take 50,000.
   */
  private posteriorDraws(offerId: string, alpha: number, beta: number, size: number): Float64Array {
    if (this.hasPosteriorDraws(offerId, alpha, beta, size)) {
      return this.drawPools.get(offerId)!.draws;
    }
    const draws = new Float64Array(size);
    for (let index = 0; index < draws.length; index++) {
      draws[index] = sampleBeta(alpha, beta, this.random);
    }
    if (this.drawPools.size >= MAX_DRAW_POOLS) {
      this.drawPools.clear();
    }
    this.drawPools.set(offerId, { alpha, beta, draws });
    return draws;
  }

  private hasPosteriorDraws(offerId: string, alpha: number, beta: number, size: number): boolean {
    const pool = this.drawPools.get(offerId);
    return pool !== undefined && pool.alpha === alpha && pool.beta === beta && pool.draws.length >= size;
  }

  /**
   * Treated decisions and conversions per offer since its propensity model's data window
   * (all of them for offers without a model), and both arms' outcomes since the uplift
   * model's data window for offers with one. Shared by the decisions of
   * {@link TREATED_COUNTS_TTL_MS}. After that, decisions keep the last counts while one
   * load replaces them in the background. Decisions wait only for the first load and for
   * a load that adds offers, and a failed load is not kept.
   */
  private async loadOutcomeCounts(offerIds: string[], cache: ModelCache): Promise<OutcomeCounts> {
    const now = Date.now();
    const current = this.outcomeCounts;
    if (current !== null && offerIds.every((offerId) => current.offerIds.has(offerId))) {
      if (now - current.loadedAt <= TREATED_COUNTS_TTL_MS) {
        return current.counts;
      }
      if (current.settled !== null) {
        // Older counts are kept while one load replaces them in the background, so no
        // decision waits for the periodic reload. Waiting for it added its query time to
        // the decisions of every reload, and to the first ones after a pause in traffic.
        this.refreshOutcomeCounts(current, cache);
        return current.settled;
      }
    }
    // Counts for the offers asked for now and those cached before, so offers of other channels stay cached.
    const requested = new Set(offerIds);
    if (current !== null && now - current.loadedAt <= TREATED_COUNTS_TTL_MS) {
      current.offerIds.forEach((offerId) => requested.add(offerId));
    }
    const entry = this.startCountsLoad(requested, cache, now);
    this.outcomeCounts = entry;
    entry.counts.catch(() => {
      if (this.outcomeCounts === entry) {
        this.outcomeCounts = null;
      }
    });
    return entry.counts;
  }

  /** Loads the counts of `current`'s offers again and puts them in its place, unless a newer load replaced it meanwhile. */
  private refreshOutcomeCounts(current: CountsEntry, cache: ModelCache): void {
    if (this.countsRefresh !== null) {
      return;
    }
    const entry = this.startCountsLoad(current.offerIds, cache, Date.now());
    this.countsRefresh = entry.counts
      .then(
        () => {
          if (this.outcomeCounts === current) {
            this.outcomeCounts = entry;
          }
        },
        (error: unknown) => {
          // Decisions keep the older counts, and the next one after the TTL tries again.
          this.logger.warn({ err: error, offers: current.offerIds.size }, 'Failed to reload outcome counts, so decisions keep the previous counts');
        },
      )
      .finally(() => {
        this.countsRefresh = null;
      });
  }

  private startCountsLoad(offerIds: ReadonlySet<string>, cache: ModelCache, now: number): CountsEntry {
    const requested = [...offerIds];
    const sinceUplift = requested.flatMap((offerId) => {
      const model = cache.uplift.get(offerId);
      return model === undefined ? [] : [{ offerId, since: model.dataTo }];
    });
    this.outcomeLoads += 1;
    const load = this.outcomeLoads;
    const counts = Promise.all([
      this.propensityModels.countTreatedConversions(requested.map((offerId) => ({ offerId, since: cache.propensity.get(offerId)?.dataTo ?? null }))),
      this.propensityModels.countTreatedConversions(sinceUplift),
      this.propensityModels.countControlConversions(sinceUplift),
    ]).then(([treated, upliftTreated, upliftControl]) => ({
      load,
      treated,
      sinceUplift: new Map(
        sinceUplift.map(({ offerId }) => [
          offerId,
          { treated: upliftTreated.get(offerId) ?? NO_OUTCOMES, control: upliftControl.get(offerId) ?? NO_OUTCOMES },
        ]),
      ),
    }));
    const entry: CountsEntry = { loadedAt: now, counts, settled: null, offerIds: new Set(offerIds) };
    // Registered first, so `settled` is set before any caller's handler runs. A failure is handled by the callers.
    counts.then(
      (settled) => {
        entry.settled = settled;
      },
      () => undefined,
    );
    return entry;
  }

  /**
   * Latest models and control counts per offer, cached for {@link MODEL_CACHE_TTL_MS}.
   * Offers without a model are remembered too, so the prior path does not query for
   * models on every decision.
   */
  private async loadModels(offerIds: string[]): Promise<ModelCache> {
    const now = Date.now();
    const signalVersion = this.changes?.models.version ?? 0;
    if (this.cache !== null && this.cache.signalVersion === signalVersion && now - this.cache.loadedAt > MODEL_CACHE_TTL_MS) {
      // Without an announced change, decisions keep the cached models while one reload
      // replaces them in the background. An announced change (a training) is never served stale.
      this.refreshModels(this.cache);
    } else if (this.cache === null || this.cache.signalVersion !== signalVersion) {
      if (this.cache !== null) {
        // The outcome counts start at the old models' data windows.
        this.outcomeCounts = null;
      }
      this.cache = this.newModelCache(now, signalVersion);
    }
    const cache = this.cache;
    const unknown = offerIds.filter((offerId) => !cache.looked.has(offerId));
    if (unknown.length > 0) {
      await this.fillModels(cache, unknown);
    }
    return cache;
  }

  /** Loads the models of `stale`'s offers into a new cache and puts it in its place, unless a newer cache replaced it meanwhile. */
  private refreshModels(stale: ModelCache): void {
    if (this.modelsRefresh !== null) {
      return;
    }
    const next = this.newModelCache(Date.now(), stale.signalVersion);
    this.modelsRefresh = this.fillModels(next, [...stale.looked])
      .then(
        () => {
          if (this.cache === stale) {
            this.cache = next;
          }
        },
        (error: unknown) => {
          // Decisions keep the older models, and the next one after the TTL tries again.
          this.logger.warn({ err: error, offers: stale.looked.size }, 'Failed to reload models, so decisions keep the previous models');
        },
      )
      .finally(() => {
        this.modelsRefresh = null;
      });
  }

  private newModelCache(now: number, signalVersion: number): ModelCache {
    this.modelLoads += 1;
    return { load: this.modelLoads, loadedAt: now, signalVersion, propensity: new Map(), uplift: new Map(), control: new Map(), looked: new Set() };
  }

  /** Reads the latest models and control counts of `unknown` offers into `cache`. */
  private async fillModels(cache: ModelCache, unknown: string[]): Promise<void> {
    const [propensity, uplift, control] = await Promise.all([
      this.propensityModels.findLatest(unknown),
      this.upliftModels.findLatest(unknown),
      this.propensityModels.countControlConversions(unknown.map((offerId) => ({ offerId, since: null }))),
    ]);
    for (const offerId of unknown) {
      cache.looked.add(offerId);
      const propensityModel = propensity.get(offerId);
      const upliftModel = uplift.get(offerId);
      if (propensityModel !== undefined) {
        cache.propensity.set(offerId, propensityModel);
      }
      if (upliftModel !== undefined) {
        cache.uplift.set(offerId, upliftModel);
      }
      cache.control.set(offerId, control.get(offerId) ?? { decisions: 0, conversions: 0 });
    }
    this.logger.debug({ offers: unknown.length, models: propensity.size, upliftModels: uplift.size }, 'Loaded models');
  }
}

const NO_OUTCOMES: ConversionCount = Object.freeze({ decisions: 0, conversions: 0 });

/** Returns the scored offers and their weights in scoring order, as `offerId*weight` separated by spaces. */
function offerSetKey(scores: ReadonlyArray<Pick<OfferScore, 'offerId'>>, options: ScoreOptions): string {
  let key = '';
  for (const [index, score] of scores.entries()) {
    key += `${index === 0 ? '' : ' '}${score.offerId}*${options.weights?.get(score.offerId) ?? 1}`;
  }
  return key;
}

/** Posterior mean of the conversion rate under the Beta prior. */
function posteriorMean(count: ConversionCount): number {
  return (PRIOR_ALPHA + count.conversions) / (PRIOR_ALPHA + PRIOR_BETA + count.decisions);
}

/** Returns whether `a` is from a later load than `b`, comparing the outcome count loads first and then the model loads. */
function isNewer(a: Evidence, b: Evidence): boolean {
  return a.outcomes.load !== b.outcomes.load ? a.outcomes.load > b.outcomes.load : a.models.load > b.models.load;
}
