import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import {
  createOfferSchema,
  listOffersQuerySchema,
  OfferService,
  updateOfferSchema,
  withProblemPathPrefix,
} from '#wayline/catalog';
import { parseInput } from '#wayline/common';
import { toOfferResponse, type OfferResponse } from './catalog.responses.ts';

@Controller('v1/admin/offers')
@Roles('marketer', 'analyst')
export class OffersController {
  constructor(@Inject(OfferService) private readonly offers: OfferService) {}

  @Post()
  @Roles('marketer')
  async create(@Body() body: unknown): Promise<OfferResponse> {
    const input = parseInput(createOfferSchema, body, 'body');
    return toOfferResponse(await withProblemPathPrefix('body', () => this.offers.create(input)));
  }

  @Get()
  async list(@Query() query: unknown): Promise<{ offers: OfferResponse[] }> {
    const filter = parseInput(listOffersQuerySchema, query, 'query');
    const offers = await this.offers.list(filter);
    return { offers: offers.map(toOfferResponse) };
  }

  @Get(':name')
  async get(@Param('name') name: string): Promise<OfferResponse> {
    return toOfferResponse(await this.offers.get(name));
  }

  @Roles('marketer')
  @Patch(':name')
  async update(@Param('name') name: string, @Body() body: unknown): Promise<OfferResponse> {
    const changes = parseInput(updateOfferSchema, body, 'body');
    return toOfferResponse(await withProblemPathPrefix('body', () => this.offers.update(name, changes)));
  }

  /** Deactivates the offer; campaigns keep the link but stop sending it. */
  @Roles('marketer')
  @Delete(':name')
  @HttpCode(200)
  async deactivate(@Param('name') name: string): Promise<OfferResponse> {
    return toOfferResponse(await this.offers.deactivate(name));
  }
}
