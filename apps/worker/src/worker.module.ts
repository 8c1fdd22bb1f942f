import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

/** Live scoring and scheduled work: scoring, delivery and model training jobs. */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [],
})
export class WorkerModule {}
