import { Module } from '@nestjs/common';
import { CatalogModule } from '#wayline/catalog';
import { DecisioningModule } from '#wayline/decisioning';
import { ExperimentsModule } from '#wayline/experiments';
import { JourneysModule } from '#wayline/journeys';
import { HillstromImporter } from './hillstrom/hillstrom.importer.ts';

@Module({
  imports: [CatalogModule, DecisioningModule, ExperimentsModule, JourneysModule],
  providers: [HillstromImporter],
  exports: [HillstromImporter],
})
export class ImportsModule {}
