import { Module } from '@nestjs/common';
import { AuditModule } from '#wayline/audit';
import { JourneyDefinitionRepository } from './journey-definition.repository.ts';
import { JourneyDefinitionService } from './journey-definition.service.ts';

/** Journey definitions. Needs the global database and logging modules that `CoreModule` provides. */
@Module({
  imports: [AuditModule],
  providers: [JourneyDefinitionRepository, JourneyDefinitionService],
  exports: [JourneyDefinitionService],
})
export class JourneyDefinitionsModule {}
