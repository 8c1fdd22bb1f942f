import { Module } from '@nestjs/common';
import { JourneyDefinitionRepository } from './journey-definition.repository.ts';
import { JourneyDefinitionService } from './journey-definition.service.ts';

/** Journey definitions. Needs the global database and logging modules that `CoreModule` provides. */
@Module({
  providers: [JourneyDefinitionRepository, JourneyDefinitionService],
  exports: [JourneyDefinitionService],
})
export class JourneyDefinitionsModule {}
