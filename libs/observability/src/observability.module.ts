import { Global, Module } from '@nestjs/common';
import { HealthCheckRepository } from './health-check.repository.ts';
import { HttpDrain } from './http-drain.ts';
import { ReadinessService } from './readiness.service.ts';
import { ShutdownState } from './shutdown-state.ts';
import { WaylineMetrics } from './wayline-metrics.ts';

/**
 * Metrics, readiness and shutdown state of the process. Global, so domain libs can record
 * metrics without importing it; the runtime's CoreModule includes it.
 */
@Global()
@Module({
  providers: [WaylineMetrics, ReadinessService, HealthCheckRepository, ShutdownState, HttpDrain],
  exports: [WaylineMetrics, ReadinessService, ShutdownState, HttpDrain],
})
export class ObservabilityModule {}
