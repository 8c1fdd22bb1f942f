import { Module } from '@nestjs/common';
import { CatalogModule } from '#wayline/catalog';
import { DecisioningModule } from '#wayline/decisioning';
import { OutcomeRepository } from './outcome.repository.ts';
import { OutcomeService } from './outcome.service.ts';
import { UpliftReportService } from './uplift-report.service.ts';
import { UpliftRepository } from './uplift.repository.ts';

@Module({
  imports: [CatalogModule, DecisioningModule],
  providers: [OutcomeRepository, OutcomeService, UpliftRepository, UpliftReportService],
  exports: [OutcomeRepository, OutcomeService, UpliftReportService],
})
export class ExperimentsModule {}
