import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { JourneyDefinitionService } from '#wayline/journey-definitions';
import { toJourneyResponse, type JourneyResponse } from './journey.responses.ts';

@Controller('v1/admin/journeys')
export class JourneyDefinitionsController {
  constructor(@Inject(JourneyDefinitionService) private readonly journeys: JourneyDefinitionService) {}

  @Post()
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

  @Patch(':key')
  async update(@Param('key') key: string, @Body() body: unknown): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.update(key, body));
  }

  /** Deactivates the journey; events placed on it keep its key and stay in its maps. */
  @Delete(':key')
  @HttpCode(200)
  async deactivate(@Param('key') key: string): Promise<JourneyResponse> {
    return toJourneyResponse(await this.journeys.deactivate(key));
  }
}
