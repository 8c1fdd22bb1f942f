import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ExceptionToHttpFilter } from './http/exception.filter.ts';
import { HealthController } from './health/health.controller.ts';

/** The HTTP API: thin controllers over the domain libs. */
@Module({
  controllers: [HealthController],
  providers: [{ provide: APP_FILTER, useClass: ExceptionToHttpFilter }],
})
export class ApiModule {}
