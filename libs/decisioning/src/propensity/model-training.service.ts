import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { DecisioningChanges } from '../decisioning-changes.ts';
import { evaluateTLearner, UPLIFT_TOP_SHARE } from '../uplift/t-learner.ts';
import { UpliftModelRepository } from '../uplift/uplift-model.repository.ts';
import { calibration } from './calibration.ts';
import { featureNames } from './feature-encoder.ts';
import { fitLogisticModel, predictLogisticModel, type LabelledFeatures } from './logistic-model.ts';
import { areaUnderRoc, logLoss } from './model-metrics.ts';
import { PropensityModelRepository, type TrainingRow } from './propensity-model.repository.ts';
import { MIN_EVIDENCE_DECISIONS, PropensityService } from './propensity.service.ts';

/** A model needs this many decisions in its arm, and this many of each label, to be trained. */
export const MIN_TRAINING_ROWS = MIN_EVIDENCE_DECISIONS;
export const MIN_ROWS_PER_CLASS = 10;
/** The outcome type the models predict. */
const OUTCOME = 'conversion';

export interface TrainingSummary {
  offerId: string;
  offerName?: string;
  trained: boolean;
  reason?: string;
  version?: number;
  sampleSize: number;
  metrics?: Record<string, unknown>;
  uplift: {
    trained: boolean;
    reason?: string;
    version?: number;
    treatedSize: number;
    controlSize: number;
    metrics?: Record<string, unknown>;
  };
}

/**
 * Trains a propensity model (treated decisions only) and an uplift model (a T-learner on
 * treated and control decisions) per offer. Metrics come from a deterministic 80/20 split
 * by decision id; the stored models are then refit on all rows.
 */
@Injectable()
export class ModelTrainingService {
  private readonly logger: Logger;

  constructor(
    private readonly propensityModels: PropensityModelRepository,
    private readonly upliftModels: UpliftModelRepository,
    private readonly propensity: PropensityService,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(DecisioningChanges) private readonly changes?: DecisioningChanges,
  ) {
    this.logger = rootLogger.child({ context: ModelTrainingService.name });
  }

  async trainAll(): Promise<TrainingSummary[]> {
    const offers = await this.propensityModels.findOffersWithDecisions();
    const summaries: TrainingSummary[] = [];
    for (const offer of offers) {
      summaries.push({ ...(await this.trainOffer(offer.id)), offerName: offer.name });
    }
    return summaries;
  }

  async trainOffer(offerId: string): Promise<TrainingSummary> {
    const treated = await this.propensityModels.findTrainingRows(offerId);
    const control = await this.propensityModels.findControlRows(offerId);
    const missing = missingEvidence(treated, 'treated');
    if (missing !== null) {
      return {
        offerId,
        trained: false,
        sampleSize: treated.length,
        reason: missing,
        uplift: { trained: false, reason: missing, treatedSize: treated.length, controlSize: control.length },
      };
    }

    // The treated model is both the propensity model and the T-learner's treated half.
    const treatedTraining = treated.filter((row) => !isValidationRow(row)).map(labelled);
    const treatedValidation = treated.filter(isValidationRow);
    const holdoutFit = fitLogisticModel(treatedTraining);
    const finalFit = fitLogisticModel(treated.map(labelled));
    const probabilities = treatedValidation.map((row) => predictLogisticModel(holdoutFit, row.features));
    const labels = treatedValidation.map((row) => (row.converted ? 1 : 0));
    const window = dataWindow(treated);
    const metrics = {
      outcome: OUTCOME,
      validationAuc: areaUnderRoc(probabilities, labels),
      validationLogLoss: logLoss(probabilities, labels),
      calibration: calibration(probabilities, labels),
      validationRows: treatedValidation.length,
      baseRate: treated.filter((row) => row.converted).length / treated.length,
      meanPrediction: probabilities.reduce((a, b) => a + b, 0) / Math.max(1, probabilities.length),
      converged: finalFit.converged,
      iterations: finalFit.iterations,
      features: featureNames(finalFit.spec),
    };
    const stored = await this.propensityModels.save({
      offerId,
      spec: finalFit.spec,
      coefficients: finalFit.coefficients,
      scaling: finalFit.scaling,
      metrics,
      sampleSize: treated.length,
      dataFrom: window.from,
      dataTo: window.to,
    });
    this.logger.info({ offerId, version: stored.version, sampleSize: treated.length, validationAuc: metrics.validationAuc }, 'Trained a propensity model');

    const uplift = await this.trainUplift(offerId, treated, control, { holdoutFit, finalFit });
    this.propensity.forgetModels();
    await this.changes?.models.announce();
    return { offerId, trained: true, version: stored.version, sampleSize: treated.length, metrics, uplift };
  }

  private async trainUplift(
    offerId: string,
    treated: TrainingRow[],
    control: TrainingRow[],
    treatedFits: { holdoutFit: ReturnType<typeof fitLogisticModel>; finalFit: ReturnType<typeof fitLogisticModel> },
  ): Promise<TrainingSummary['uplift']> {
    const sizes = { treatedSize: treated.length, controlSize: control.length };
    const missing = missingEvidence(control, 'control');
    if (missing !== null) {
      return { trained: false, reason: missing, ...sizes };
    }
    const controlHoldout = fitLogisticModel(control.filter((row) => !isValidationRow(row)).map(labelled));
    const validation = [
      ...treated.filter(isValidationRow).map((row) => ({ ...labelled(row), treated: true })),
      ...control.filter(isValidationRow).map((row) => ({ ...labelled(row), treated: false })),
    ];
    const evaluation = evaluateTLearner({ treated: treatedFits.holdoutFit, control: controlHoldout }, validation);
    const controlFinal = fitLogisticModel(control.map(labelled));
    const window = dataWindow([...treated, ...control]);
    const metrics = {
      outcome: OUTCOME,
      topShare: UPLIFT_TOP_SHARE,
      ...evaluation,
      converged: treatedFits.finalFit.converged && controlFinal.converged,
      // Each arm's conversion rate in the training rows, from which recalibratedUplift moves the arm between trainings.
      treatedBaseRate: conversionRate(treated),
      controlBaseRate: conversionRate(control),
    };
    const stored = await this.upliftModels.save({
      offerId,
      outcome: OUTCOME,
      treatedModel: pickModel(treatedFits.finalFit),
      controlModel: pickModel(controlFinal),
      metrics,
      ...sizes,
      dataFrom: window.from,
      dataTo: window.to,
    });
    this.logger.info({ offerId, version: stored.version, qini: evaluation.qini, upliftAt30: evaluation.upliftAt30 }, 'Trained an uplift model');
    return { trained: true, version: stored.version, ...sizes, metrics };
  }
}

function conversionRate(rows: readonly TrainingRow[]): number {
  return rows.filter((row) => row.converted).length / rows.length;
}

function missingEvidence(rows: TrainingRow[], arm: 'treated' | 'control'): string | null {
  const positives = rows.filter((row) => row.converted).length;
  const negatives = rows.length - positives;
  if (rows.length >= MIN_TRAINING_ROWS && positives >= MIN_ROWS_PER_CLASS && negatives >= MIN_ROWS_PER_CLASS) {
    return null;
  }
  return `needs ${MIN_TRAINING_ROWS} ${arm} decisions with ${MIN_ROWS_PER_CLASS} conversions and ${MIN_ROWS_PER_CLASS} non-conversions; has ${rows.length} with ${positives} conversions`;
}

function labelled(row: TrainingRow): LabelledFeatures {
  return { features: row.features, label: row.converted ? 1 : 0 };
}

function pickModel({ spec, scaling, coefficients }: ReturnType<typeof fitLogisticModel>) {
  return { spec, scaling, coefficients };
}

function dataWindow(rows: TrainingRow[]): { from: Date | null; to: Date | null } {
  let from: Date | null = null;
  let to: Date | null = null;
  for (const row of rows) {
    if (from === null || row.createdAt < from) {
      from = row.createdAt;
    }
    if (to === null || row.createdAt > to) {
      to = row.createdAt;
    }
  }
  return { from, to };
}

/** Selects one row in five by a hash of the decision id, so the split is stable across runs. */
function isValidationRow(row: TrainingRow): boolean {
  return createHash('sha256').update(row.decisionId).digest()[0]! % 5 === 0;
}
