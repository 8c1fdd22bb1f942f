import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { ModelVersionsService, type OfferModels } from '#wayline/decisioning';

/** Model versions and their metrics, for analysts. Training runs in the worker and the CLI. */
@Controller('v1/models')
@Roles('marketer', 'analyst')
export class ModelsController {
  constructor(@Inject(ModelVersionsService) private readonly models: ModelVersionsService) {}

  @Get()
  async list(): Promise<{ offers: OfferModels[] }> {
    return { offers: await this.models.listLatest() };
  }

  @Get(':offer')
  async get(@Param('offer') offer: string, @Query() query: unknown): Promise<OfferModels> {
    return this.models.getForOffer(offer, query);
  }
}
