import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { JourneyDefinitionService } from '#wayline/journey-definitions';
import { toJourneyResponse, type JourneyResponse } from './journey.responses.ts';

@Controller('v1/admin/journeys')
@Roles('marketer', 'analyst')
export class JourneyDefinitionsController {
  constructor(@Inject(JourneyDefinitionService) private readonly journeys: JourneyDefinitionService) {}

  @Post()
  @Roles('marketer')
  async create(@Body() body: unknown): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.create(body));
  }

  @Get()
  async list(@Query() query: unknown): Promise<{ journeys: JourneyResponse[] }> {
    const journeys = await this.journeys.list(query);
    return { journeys: journeys.map(toJourneyResponse) };
  }

  @Get(':key')
  async get(@Param('key') key: string): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.get(key));
  }

  @Roles('marketer')
  @Patch(':key')
  async update(@Param('key') key: string, @Body() body: unknown): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.update(key, body));
  }

  /** Deactivates the journey; events placed on it keep its key and stay in its maps. */
  @Roles('marketer')
  @Delete(':key')
  @HttpCode(200)
  async deactivate(@Param('key') key: string): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.deactivate(key));
  }
}
