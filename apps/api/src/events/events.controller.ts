import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { EventIngestionService, type IngestionResult } from '#wayline/events';

@Controller('v1/events')
@Roles('platform')
export class EventsController {
  constructor(private readonly ingestion: EventIngestionService) {}

  /** Stores one event or a batch durably; scoring follows asynchronously, hence 202. */
  @Post()
  @HttpCode(202)
  ingest(@Body() body: unknown): Promise<IngestionResult> {
    return this.ingestion.ingest(body);
  }
}
