import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import type { DecisionFeatures } from './feature-encoder.ts';
import { logOdds, predictLogisticModel } from './logistic-model.ts';
import { sigmoid } from './logistic-regression.ts';
import { PropensityModelRepository, type ConversionCount, type StoredPropensityModel } from './propensity-model.repository.ts';
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
 * Weight, in decisions, of a model's training conversion rate when outcomes since
 * training recalibrate its intercept: after this many new decisions the new rate counts
 * as much as the old one.
 */
export const RECALIBRATION_PRIOR_DECISIONS = 500;

/** Models and control counts are reloaded this often, so every replica picks up a new version. */
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
  propensity: Map<string, StoredPropensityModel>;
  uplift: Map<string, StoredUpliftModel>;
  control: Map<string, ConversionCount>;
  looked: Set<string>;
}

@Injectable()
export class PropensityService {
  private readonly logger: Logger;
  private readonly random: RandomSource;
  private cache: ModelCache | null = null;
  private readonly drawPools = new Map<string, { alpha: number; beta: number; draws: Float64Array }>();
  private treatedCounts: { loadedAt: number; counts: Promise<Map<string, ConversionCount>>; offerIds: Set<string> } | null = null;

  constructor(
    private readonly propensityModels: PropensityModelRepository,
    private readonly upliftModels: UpliftModelRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(EXPLORATION_RANDOM) random?: RandomSource,
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
    // are counted on every call, so they move the scores between trainings.
    const treatedCounts = await this.loadTreatedCounts(offerIds, cache);

    const scores: Array<Omit<OfferScore, 'explorationProbability'>> = [];
    const candidates: SampledOption[] = [];
    for (const offerId of offerIds) {
      const treated = treatedCounts.get(offerId) ?? { decisions: 0, conversions: 0 };
      const control = cache.control.get(offerId) ?? { decisions: 0, conversions: 0 };
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
            ? predictLogisticModel(upliftModel.treatedModel, features) - predictLogisticModel(upliftModel.controlModel, features)
            : probability - controlMean;
        scores.push({
          offerId,
          probability,
          uplift,
          source: 'model',
          modelVersion: propensityModel === undefined ? null : `${offerId}@${propensityModel.version}`,
          upliftModelVersion: upliftModel === undefined ? null : `${offerId}@${upliftModel.version}`,
        });
        candidates.push({ id: offerId, value: uplift * weight });
        continue;
      }

      const alpha = PRIOR_ALPHA + treated.conversions;
      const beta = PRIOR_BETA + treated.decisions - treated.conversions;
      if (treated.decisions >= MIN_EVIDENCE_DECISIONS) {
        const probability = alpha / (alpha + beta);
        scores.push({ offerId, probability, uplift: probability - controlMean, source: 'prior', modelVersion: null, upliftModelVersion: null });
        candidates.push({ id: offerId, value: (probability - controlMean) * weight });
        continue;
      }
      const probability = sampleBeta(alpha, beta, this.random);
      scores.push({ offerId, probability, uplift: probability - controlMean, source: 'exploration', modelVersion: null, upliftModelVersion: null });
      // The Monte Carlo rounds read the offer's pool of posterior draws from a random start,
      // so a decision costs array reads instead of thousands of Beta draws.
      const draws = this.posteriorDraws(offerId, alpha, beta);
      let next = Math.floor(this.random() * draws.length);
      candidates.push({
        id: offerId,
        value: () => {
          next = next + 1 === draws.length ? 0 : next + 1;
          return (draws[next]! - controlMean) * weight;
        },
      });
    }

    const exploring = candidates.filter((candidate) => typeof candidate.value === 'function').length;
    const rounds = Math.max(EXPLORATION_MIN_ROUNDS, Math.min(EXPLORATION_ROUNDS, Math.floor(EXPLORATION_DRAW_BUDGET / Math.max(1, exploring))));
    const wins = winProbabilities(candidates, this.random, rounds);
    return scores.map((score) => ({ ...score, explorationProbability: wins.get(score.offerId) ?? 0 }));
  }

  /** Drops the cached models and counts, so the next score reads the newest versions. */
  forgetModels(): void {
    this.cache = null;
    this.treatedCounts = null;
  }

  /**
   * EXPLORATION_ROUNDS independent draws from the offer's Beta(alpha, beta) posterior,
   * drawn again whenever the posterior changes. Each offer has a pool of its own, so the
   * draws of different offers in one round stay independent.
   */
  private posteriorDraws(offerId: string, alpha: number, beta: number): Float64Array {
    const pool = this.drawPools.get(offerId);
    if (pool !== undefined && pool.alpha === alpha && pool.beta === beta) {
      return pool.draws;
    }
    const draws = new Float64Array(EXPLORATION_ROUNDS);
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
   * Treated decisions and conversions per offer since its model's data window (all of them
   * for offers without a model), shared by the decisions of {@link TREATED_COUNTS_TTL_MS}.
   * Concurrent decisions wait for one query, and a failed query is not kept.
   */
  private async loadTreatedCounts(offerIds: string[], cache: ModelCache): Promise<Map<string, ConversionCount>> {
    const now = Date.now();
    const current = this.treatedCounts;
    if (current !== null && now - current.loadedAt <= TREATED_COUNTS_TTL_MS && offerIds.every((offerId) => current.offerIds.has(offerId))) {
      return current.counts;
    }
    // Counts for the offers asked for now and those cached before, so offers of other channels stay cached.
    const requestedOfferIds = new Set(offerIds);
    if (current !== null && now - current.loadedAt <= TREATED_COUNTS_TTL_MS) {
      current.offerIds.forEach((offerId) => requestedOfferIds.add(offerId));
    }
    const counts = this.propensityModels.countTreatedConversions(
      [...requestedOfferIds].map((offerId) => ({ offerId, since: cache.propensity.get(offerId)?.dataTo ?? null })),
    );
    const entry = { loadedAt: now, counts, offerIds: requestedOfferIds };
    this.treatedCounts = entry;
    counts.catch(() => {
      if (this.treatedCounts === entry) {
        this.treatedCounts = null;
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
    if (this.cache === null || now - this.cache.loadedAt > MODEL_CACHE_TTL_MS) {
      this.cache = { loadedAt: now, propensity: new Map(), uplift: new Map(), control: new Map(), looked: new Set() };
    }
    const cache = this.cache;
    const unknown = offerIds.filter((offerId) => !cache.looked.has(offerId));
    if (unknown.length > 0) {
      const [propensity, uplift, control] = await Promise.all([
        this.propensityModels.findLatest(unknown),
        this.upliftModels.findLatest(unknown),
        this.propensityModels.countControlConversions(unknown),
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

/** Posterior mean of the conversion rate under the Beta prior. */
function posteriorMean(count: ConversionCount): number {
  return (PRIOR_ALPHA + count.conversions) / (PRIOR_ALPHA + PRIOR_BETA + count.decisions);
}

/**
 * Log-odds shift that moves the model's training conversion rate r0 to the rate seen
 * since training, shrunk towards r0 with {@link RECALIBRATION_PRIOR_DECISIONS}:
 * logit((r0 * K + conversions) / (K + decisions)) - logit(r0). 0 without new decisions.
 * NOTE: a conversion can arrive days after its decision, so the newest decisions count as
 * non-conversions until then and pull the estimate down for a while.
 */
export function recalibrationOffset(model: Pick<StoredPropensityModel, 'metrics'>, since: ConversionCount): number {
  const baseRate = model.metrics.baseRate;
  if (typeof baseRate !== 'number' || baseRate <= 0 || baseRate >= 1 || since.decisions === 0) {
    return 0;
  }
  const rate = (baseRate * RECALIBRATION_PRIOR_DECISIONS + since.conversions) / (RECALIBRATION_PRIOR_DECISIONS + since.decisions);
  return logit(rate) - logit(baseRate);
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
