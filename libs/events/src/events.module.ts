import { Module } from '@nestjs/common';
import { EventIngestionService } from './event-ingestion.service.ts';
import { EventRepository } from './event.repository.ts';

@Module({
  providers: [EventRepository, EventIngestionService],
  exports: [EventIngestionService],
})
export class EventsModule {}
