import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import {
  CampaignService,
  CatalogQueryService,
  createCampaignSchema,
  listCampaignsQuerySchema,
  updateCampaignSchema,
  withProblemPathPrefix,
} from '#wayline/catalog';
import { parseInput } from '#wayline/common';
import { CampaignPreviewService, type CampaignPreview } from '#wayline/decisioning';
import { toCampaignResponse, type CampaignResponse } from './catalog.responses.ts';

@Controller('v1/admin/campaigns')
@Roles('marketer', 'analyst')
export class CampaignsController {
  constructor(
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(CatalogQueryService) private readonly catalogQuery: CatalogQueryService,
  ) {}

  @Post()
  @Roles('marketer')
  async create(@Body() body: unknown): Promise<CampaignResponse> {
    const input = parseInput(createCampaignSchema, body, 'body');
    return toCampaignResponse(await withProblemPathPrefix('body', () => this.campaigns.create(input)));
  }

  @Get()
  async list(@Query() query: unknown): Promise<{ campaigns: CampaignResponse[] }> {
    const filter = parseInput(listCampaignsQuerySchema, query, 'query');
    const campaigns = await this.campaigns.list(filter);
    return { campaigns: campaigns.map(toCampaignResponse) };
  }

  @Get(':key')
  async get(@Param('key') key: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.catalogQuery.findCampaignByKey(key));
  }

  @Roles('marketer')
  @Patch(':key')
  async update(@Param('key') key: string, @Body() body: unknown): Promise<CampaignResponse> {
    const changes = parseInput(updateCampaignSchema, body, 'body');
    return toCampaignResponse(await withProblemPathPrefix('body', () => this.campaigns.update(key, changes)));
  }

  /** Deactivates the campaign; its decisions and outcomes stay for reports. */
  @Roles('marketer')
  @Delete(':key')
  @HttpCode(200)
  async deactivate(@Param('key') key: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.campaigns.deactivate(key));
  }
}

/** Campaign tools for marketers outside the admin CRUD: the preview of who a campaign reaches now. */
@Controller('v1/campaigns')
@Roles('marketer', 'analyst')
export class CampaignPreviewController {
  constructor(@Inject(CampaignPreviewService) private readonly previews: CampaignPreviewService) {}

  /** Counts and samples the customers that pass the campaign's three rules now; traces one customer on request. */
  @Post(':key/preview')
  @HttpCode(200)
  preview(@Param('key') key: string, @Body() body: unknown): Promise<CampaignPreview> {
    return this.previews.preview(key, body);
  }
}
