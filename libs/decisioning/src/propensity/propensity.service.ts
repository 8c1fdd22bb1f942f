import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { encodeFeatures, featureNames, learnFeatureSpec, type DecisionFeatures } from './feature-encoder.ts';
import { fitLogisticRegression, predictProbability } from './logistic-regression.ts';
import { areaUnderRoc, logLoss } from './model-metrics.ts';
import { PropensityModelRepository, type StoredPropensityModel, type TrainingRow } from './propensity-model.repository.ts';
import { applyScaling, fitScaling } from './standard-scaler.ts';

/**
 * Beta(1, 49) prior on an offer's conversion rate: a mean of 2%, worth 50 observations.
 * Until a model is trained, an offer scores the posterior mean (conversions + 1) / (treated + 50).
 * 2% is a typical e-mail conversion rate; real data moves the estimate after a few hundred sends.
 */
export const PRIOR_ALPHA = 1;
export const PRIOR_BETA = 49;

/** A model needs this many treated decisions, and this many of each label, to be trained. */
export const MIN_TRAINING_ROWS = 200;
export const MIN_ROWS_PER_CLASS = 10;
/** L2 penalty on standardized features; small, so large samples give the maximum-likelihood fit. */
const L2_PENALTY = 1;
/** Models are reloaded from the database this often, so every replica picks up a new version. */
const MODEL_CACHE_TTL_MS = 30_000;

export interface OfferScore {
  offerId: string;
  probability: number;
  source: 'model' | 'prior';
  modelVersion: string | null;
}

export interface TrainingSummary {
  offerId: string;
  offerName?: string;
  trained: boolean;
  reason?: string;
  version?: number;
  sampleSize: number;
  metrics?: Record<string, unknown>;
}

@Injectable()
export class PropensityService {
  private readonly logger: Logger;
  private cache: { loadedAt: number; models: Map<string, StoredPropensityModel>; looked: Set<string> } | null = null;

  constructor(
    private readonly models: PropensityModelRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: 'PropensityService' });
  }

  /** Conversion probability of each offer for this customer, from its model or from the prior. */
  async scoreOffers(offerIds: string[], features: DecisionFeatures): Promise<OfferScore[]> {
    const models = await this.latestModels(offerIds);
    const missing = offerIds.filter((offerId) => !models.has(offerId));
    const counts = await this.models.countConversions(missing);
    return offerIds.map((offerId) => {
      const model = models.get(offerId);
      if (model !== undefined) {
        const encoded = applyScaling(model.scaling, encodeFeatures(model.spec, features));
        return {
          offerId,
          probability: predictProbability(model.coefficients, encoded),
          source: 'model',
          modelVersion: `${offerId}@${model.version}`,
        };
      }
      const { treated, conversions } = counts.get(offerId) ?? { treated: 0, conversions: 0 };
      return {
        offerId,
        probability: (conversions + PRIOR_ALPHA) / (treated + PRIOR_ALPHA + PRIOR_BETA),
        source: 'prior',
        modelVersion: null,
      };
    });
  }

  async trainAll(): Promise<TrainingSummary[]> {
    const offers = await this.models.findOffersWithDecisions();
    const summaries: TrainingSummary[] = [];
    for (const offer of offers) {
      summaries.push({ ...(await this.trainOffer(offer.id)), offerName: offer.name });
    }
    this.cache = null;
    return summaries;
  }

  /**
   * Trains a new version for one offer on its treated decisions. Metrics come from a
   * deterministic 80/20 split by decision id; the stored model is then refit on all rows.
   */
  async trainOffer(offerId: string): Promise<TrainingSummary> {
    const rows = await this.models.findTrainingRows(offerId);
    const positives = rows.filter((row) => row.converted).length;
    const negatives = rows.length - positives;
    if (rows.length < MIN_TRAINING_ROWS || positives < MIN_ROWS_PER_CLASS || negatives < MIN_ROWS_PER_CLASS) {
      return {
        offerId,
        trained: false,
        sampleSize: rows.length,
        reason: `needs ${MIN_TRAINING_ROWS} treated decisions with ${MIN_ROWS_PER_CLASS} conversions and ${MIN_ROWS_PER_CLASS} non-conversions; has ${rows.length} with ${positives} conversions`,
      };
    }

    const training = rows.filter((row) => !isValidationRow(row));
    const validation = rows.filter(isValidationRow);
    const holdoutFit = fitOn(training);
    const probabilities = validation.map((row) => holdoutFit.predict(row.features));
    const labels = validation.map((row) => (row.converted ? 1 : 0));
    const finalFit = fitOn(rows);

    const metrics = {
      validationAuc: areaUnderRoc(probabilities, labels),
      validationLogLoss: logLoss(probabilities, labels),
      validationRows: validation.length,
      baseRate: positives / rows.length,
      meanPrediction: probabilities.reduce((a, b) => a + b, 0) / Math.max(1, probabilities.length),
      converged: finalFit.converged,
      iterations: finalFit.iterations,
      features: featureNames(finalFit.spec),
    };
    const stored = await this.models.save({
      offerId,
      spec: finalFit.spec,
      coefficients: finalFit.coefficients,
      scaling: finalFit.scaling,
      metrics,
      sampleSize: rows.length,
    });
    this.cache = null;
    this.logger.info({ offerId, version: stored.version, sampleSize: rows.length, validationAuc: metrics.validationAuc }, 'Trained a propensity model');
    return { offerId, trained: true, version: stored.version, sampleSize: rows.length, metrics };
  }

  /**
   * Latest model per offer, cached for {@link MODEL_CACHE_TTL_MS}. Offers without a model
   * are remembered too, so the prior path does not query for models on every decision.
   */
  private async latestModels(offerIds: string[]): Promise<Map<string, StoredPropensityModel>> {
    const now = Date.now();
    if (this.cache === null || now - this.cache.loadedAt > MODEL_CACHE_TTL_MS) {
      this.cache = { loadedAt: now, models: new Map(), looked: new Set() };
    }
    const cache = this.cache;
    const unknown = offerIds.filter((offerId) => !cache.looked.has(offerId));
    if (unknown.length > 0) {
      const found = await this.models.findLatest(unknown);
      for (const offerId of unknown) {
        cache.looked.add(offerId);
        const model = found.get(offerId);
        if (model !== undefined) {
          cache.models.set(offerId, model);
        }
      }
    }
    return cache.models;
  }
}

/** Selects one row in five by a hash of the decision id, so the split is stable across runs. */
function isValidationRow(row: TrainingRow): boolean {
  return createHash('sha256').update(row.decisionId).digest()[0]! % 5 === 0;
}

function fitOn(rows: TrainingRow[]) {
  const spec = learnFeatureSpec(rows.map((row) => row.features));
  const encoded = rows.map((row) => encodeFeatures(spec, row.features));
  const scaling = fitScaling(encoded);
  const scaled = encoded.map((row) => applyScaling(scaling, row));
  const fit = fitLogisticRegression(scaled, rows.map((row) => (row.converted ? 1 : 0)), { l2: L2_PENALTY });
  return {
    spec,
    scaling,
    coefficients: fit.coefficients,
    converged: fit.converged,
    iterations: fit.iterations,
    predict: (features: DecisionFeatures) => predictProbability(fit.coefficients, applyScaling(scaling, encodeFeatures(spec, features))),
  };
}
