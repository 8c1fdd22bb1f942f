import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { NotFoundError, parseInput } from '#wayline/common';
import { PropensityModelRepository, type StoredPropensityModel } from '../propensity/propensity-model.repository.ts';
import { UpliftModelRepository, type StoredUpliftModel } from './uplift-model.repository.ts';

export const modelVersionsQuerySchema = z.strictObject({
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

/** A model version as analysts see it: no coefficients, but what it was trained on and how it scored. */
export interface ModelVersionView {
  /** `offerId@version`, as recorded on the decisions that used it. */
  modelVersion: string;
  version: number;
  trainedAt: Date;
  dataWindow: { from: Date | null; to: Date | null };
  sampleSizes: { treated: number; control?: number };
  metrics: Record<string, unknown>;
}

export interface OfferModels {
  offer: { id: string; name: string };
  propensity: ModelVersionView[];
  uplift: ModelVersionView[];
}

/** Read side of the model versions, for the API. */
@Injectable()
export class ModelVersionsService {
  constructor(
    private readonly propensityModels: PropensityModelRepository,
    private readonly upliftModels: UpliftModelRepository,
  ) {}

  /** The latest propensity and uplift version of every offer that has treatment decisions. */
  async listLatest(): Promise<OfferModels[]> {
    const offers = await this.propensityModels.findOffersWithDecisions();
    const ids = offers.map((offer) => offer.id);
    const [propensity, uplift] = await Promise.all([this.propensityModels.findLatest(ids), this.upliftModels.findLatest(ids)]);
    return offers.map((offer) => ({
      offer,
      propensity: optional(propensity.get(offer.id)).map(propensityView),
      uplift: optional(uplift.get(offer.id)).map(upliftView),
    }));
  }

  /** Every version for one offer, newest first, up to `limit` of each kind. */
  async getForOffer(offerName: string, query: unknown): Promise<OfferModels> {
    const { limit } = parseInput(modelVersionsQuerySchema, query, 'query');
    const offer = await this.propensityModels.findOfferByName(offerName);
    if (offer === null) {
      throw new NotFoundError('Offer', offerName);
    }
    const [propensity, uplift] = await Promise.all([
      this.propensityModels.findVersions(offer.id),
      this.upliftModels.findVersions(offer.id),
    ]);
    return { offer, propensity: propensity.slice(0, limit).map(propensityView), uplift: uplift.slice(0, limit).map(upliftView) };
  }
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function propensityView(model: StoredPropensityModel): ModelVersionView {
  return {
    modelVersion: `${model.offerId}@${model.version}`,
    version: model.version,
    trainedAt: model.trainedAt,
    dataWindow: { from: model.dataFrom, to: model.dataTo },
    sampleSizes: { treated: model.sampleSize },
    metrics: model.metrics,
  };
}

function upliftView(model: StoredUpliftModel): ModelVersionView {
  return {
    modelVersion: `${model.offerId}@${model.version}`,
    version: model.version,
    trainedAt: model.trainedAt,
    dataWindow: { from: model.dataFrom, to: model.dataTo },
    sampleSizes: { treated: model.treatedSize, control: model.controlSize },
    metrics: { outcome: model.outcome, ...model.metrics },
  };
}
