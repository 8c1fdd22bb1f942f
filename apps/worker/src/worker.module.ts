import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DecisioningModule } from '#wayline/decisioning';
import { DeliveryModule } from '#wayline/delivery';
import { JourneysModule } from '#wayline/journeys';
import { DeliveryJob } from './jobs/delivery.job.ts';
import { ModelTrainingJob } from './jobs/model-training.job.ts';
import { ScoringJob } from './jobs/scoring.job.ts';

/** Live scoring and scheduled work: scoring, delivery and model training jobs. */
@Module({
  imports: [ScheduleModule.forRoot(), JourneysModule, DecisioningModule, DeliveryModule],
  providers: [ScoringJob, ModelTrainingJob, DeliveryJob],
})
export class WorkerModule {}
