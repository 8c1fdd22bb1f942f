import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import type { DecisionFeatures } from './feature-encoder.ts';
import { DecisioningChanges } from '../decisioning-changes.ts';
import { logOdds, predictLogisticModel } from './logistic-model.ts';
import { sigmoid } from './logistic-regression.ts';
import { PropensityModelRepository, type ConversionCount, type StoredPropensityModel } from './propensity-model.repository.ts';
import { recalibratedUplift, recalibrationOffset, type UpliftOutcomesSince } from './recalibration.ts';
import { sampleBeta, winProbabilities, type RandomSource, type SampledOption } from './thompson-sampling.ts';
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
 * Models and control counts are reloaded this often. A training announces its new
 * versions (see DecisioningChanges), so replicas normally reload at once; this bound
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

/** Offer sets whose exploration probabilities are shared at once; beyond that the estimates start afresh. */
const MAX_SHARED_WIN_SETS = 256;

/** Offers whose posterior draws are kept; beyond that the pools are dropped and drawn again. */
const MAX_DRAW_POOLS = 10_000;

/** Injection token for the uniform random source of Thompson sampling; Math.random by default. */
export const EXPLORATION_RANDOM = Symbol('EXPLORATION_RANDOM');

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
  loadedAt: number;
  /** Version of the models change signal when the cache was started. */
  signalVersion: number;
  propensity: Map<string, StoredPropensityModel>;
  uplift: Map<string, StoredUpliftModel>;
  control: Map<string, ConversionCount>;
  looked: Set<string>;
}

/** Exploration probabilities shared by the decisions that score the same offers with the same evidence. */
interface SharedWins {
  models: ModelCache;
  outcomes: OutcomeCounts;
  /** By the scored offers and their weights, in scoring order. */
  byOffers: Map<string, Map<string, number>>;
}

interface OutcomeCounts {
  /** Treated outcomes since each offer's propensity model, or all of them for offers without one. */
  treated: Map<string, ConversionCount>;
  /** Outcomes in each arm since the uplift model's data window, for offers with an uplift model. */
  sinceUplift: Map<string, UpliftOutcomesSince>;
}

@Injectable()
export class PropensityService {
  private readonly logger: Logger;
  private readonly random: RandomSource;
  private cache: ModelCache | null = null;
  private readonly drawPools = new Map<string, { alpha: number; beta: number; draws: Float64Array }>();
  private sharedWins: SharedWins | null = null;
  private outcomeCounts: { loadedAt: number; counts: Promise<OutcomeCounts>; offerIds: Set<string> } | null = null;

  constructor(
    private readonly propensityModels: PropensityModelRepository,
    private readonly upliftModels: UpliftModelRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(EXPLORATION_RANDOM) random?: RandomSource,
    @Optional() @Inject(DecisioningChanges) private readonly changes?: DecisioningChanges,
  ) {
    this.logger = rootLogger.child({ context: 'PropensityService' });
    this.random = random ?? Math.random;
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

    const wins = this.explorationWins(candidates, scores, options, cache, outcomes);
    for (const score of scores) {
      score.explorationProbability = wins.get(score.offerId) ?? 0;
    }
    return scores;
  }

  /**
   * Estimates each offer's probability of the highest weighted uplift by Monte Carlo.
   * Without a model among the offers, no value depends on the customer. The estimate then
   * depends only on the offers, their weights, the models and the outcome counts, so the
   * decisions that score the same offers share it until one of those changes. With 200
   * exploring offers the rounds took a fifth of a decision's CPU time.
   */
  private explorationWins(
    candidates: SampledOption[],
    scores: ReadonlyArray<Pick<OfferScore, 'offerId' | 'source'>>,
    options: ScoreOptions,
    models: ModelCache,
    outcomes: OutcomeCounts,
  ): Map<string, number> {
    const customerIndependent = scores.every((score) => score.source !== 'model');
    let shared = this.sharedWins;
    if (shared === null || shared.models !== models || shared.outcomes !== outcomes || shared.byOffers.size >= MAX_SHARED_WIN_SETS) {
      shared = { models, outcomes, byOffers: new Map() };
      this.sharedWins = shared;
    }
    // Customers whose policy steps pass different campaigns score different offer sets, so each set has an entry.
    const key = customerIndependent ? offerSetKey(scores, options) : null;
    const known = key === null ? undefined : shared.byOffers.get(key);
    if (known !== undefined) {
      return known;
    }

    const exploring = candidates.filter((candidate) => typeof candidate.value === 'function').length;
    const wins = winProbabilities(candidates, this.random, explorationRounds(exploring));
    if (key !== null) {
      shared.byOffers.set(key, wins);
    }
    return wins;
  }

  /** Drops the cached models and counts, so the next score reads the newest versions. */
  forgetModels(): void {
    this.cache = null;
    this.outcomeCounts = null;
  }

  /**
   * At least `size` independent draws from the offer's Beta(alpha, beta) posterior, drawn
   * again whenever the posterior changes. Each offer has a pool of its own, so the draws of
   * different offers in one round stay independent. A pool holds as many draws as the
   * rounds read: every outcome count reload changes most posteriors, and with 200
   * exploring offers pools of EXPLORATION_ROUNDS draws each took 200,000 Beta draws, a
   * 20 ms pause of the event loop every 2 s, against 50,000 draws now.
   */
  private posteriorDraws(offerId: string, alpha: number, beta: number, size: number): Float64Array {
    const pool = this.drawPools.get(offerId);
    if (pool !== undefined && pool.alpha === alpha && pool.beta === beta && pool.draws.length >= size) {
      return pool.draws;
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

  /**
   * Treated decisions and conversions per offer since its propensity model's data window
   * (all of them for offers without a model), and both arms' outcomes since the uplift
   * model's data window for offers with one. Shared by the decisions of
   * {@link TREATED_COUNTS_TTL_MS}. Concurrent decisions wait for one load, and a failed
   * load is not kept.
   */
  private async loadOutcomeCounts(offerIds: string[], cache: ModelCache): Promise<OutcomeCounts> {
    const now = Date.now();
    const current = this.outcomeCounts;
    if (current !== null && now - current.loadedAt <= TREATED_COUNTS_TTL_MS && offerIds.every((offerId) => current.offerIds.has(offerId))) {
      return current.counts;
    }
    // Counts for the offers asked for now and those cached before, so offers of other channels stay cached.
    const requestedOfferIds = new Set(offerIds);
    if (current !== null && now - current.loadedAt <= TREATED_COUNTS_TTL_MS) {
      current.offerIds.forEach((offerId) => requestedOfferIds.add(offerId));
    }
    const requested = [...requestedOfferIds];
    const sinceUplift = requested.flatMap((offerId) => {
      const model = cache.uplift.get(offerId);
      return model === undefined ? [] : [{ offerId, since: model.dataTo }];
    });
    const counts = Promise.all([
      this.propensityModels.countTreatedConversions(requested.map((offerId) => ({ offerId, since: cache.propensity.get(offerId)?.dataTo ?? null }))),
      this.propensityModels.countTreatedConversions(sinceUplift),
      this.propensityModels.countControlConversions(sinceUplift),
    ]).then(([treated, upliftTreated, upliftControl]) => ({
      treated,
      sinceUplift: new Map(
        sinceUplift.map(({ offerId }) => [
          offerId,
          { treated: upliftTreated.get(offerId) ?? NO_OUTCOMES, control: upliftControl.get(offerId) ?? NO_OUTCOMES },
        ]),
      ),
    }));
    const entry = { loadedAt: now, counts, offerIds: requestedOfferIds };
    this.outcomeCounts = entry;
    counts.catch(() => {
      if (this.outcomeCounts === entry) {
        this.outcomeCounts = null;
      }
    });
    return counts;
  }

  /**
   * Latest models and control counts per offer, cached for {@link MODEL_CACHE_TTL_MS}.
   * Offers without a model are remembered too, so the prior path does not query for
   * models on every decision.
   */
  private async loadModels(offerIds: string[]): Promise<ModelCache> {
    const now = Date.now();
    const signalVersion = this.changes?.models.version ?? 0;
    if (this.cache === null || now - this.cache.loadedAt > MODEL_CACHE_TTL_MS || this.cache.signalVersion !== signalVersion) {
      if (this.cache !== null && this.cache.signalVersion !== signalVersion) {
        // The outcome counts start at the old models' data windows.
        this.outcomeCounts = null;
      }
      this.cache = { loadedAt: now, signalVersion, propensity: new Map(), uplift: new Map(), control: new Map(), looked: new Set() };
    }
    const cache = this.cache;
    const unknown = offerIds.filter((offerId) => !cache.looked.has(offerId));
    if (unknown.length > 0) {
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
    return cache;
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
