import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { DATABASE, type Database } from '#wayline/database';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { HealthCheckRepository } from './health-check.repository.ts';
import { ShutdownState } from './shutdown-state.ts';

/** Maximum time one readiness check may take before it counts as failed, in milliseconds. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

/** Live-store key the readiness check reads; nothing writes it, so the read returns null. */
const READINESS_PROBE_KEY = 'health:readiness-probe';

export interface DependencyCheck {
  status: 'up' | 'down';
  /** `postgres` or `pglite`, `redis` or `memory`. */
  kind: string;
  latencyMs: number;
  /** Reason for the failure, without connection details; only when `status` is `down`. */
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  /** True once SIGTERM or SIGINT has arrived; the checks are then skipped. */
  shuttingDown: boolean;
  checks: { database?: DependencyCheck; liveStore?: DependencyCheck };
}

/**
 * Decides whether this process should receive traffic: both stores respond within
 * {@link READINESS_CHECK_TIMEOUT_MS} and the process is not shutting down.
 */
@Injectable()
export class ReadinessService {
  private readonly logger: Logger;
  private consecutiveFailures = 0;

  constructor(
    @Inject(HealthCheckRepository) private readonly healthChecks: HealthCheckRepository,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ShutdownState) private readonly shutdown: ShutdownState,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ReadinessService.name });
  }

  async check(): Promise<ReadinessReport> {
    if (this.shutdown.shuttingDown) {
      return { status: 'not-ready', shuttingDown: true, checks: {} };
    }
    const [database, liveStore] = await Promise.all([
      timeCheck(this.database.kind, 'query failed', () => this.healthChecks.ping()),
      timeCheck(this.liveStore.kind, 'round trip failed', () => this.liveStore.get(READINESS_PROBE_KEY)),
    ]);
    const ready = database.result.status === 'up' && liveStore.result.status === 'up';
    this.logOutcome(ready, database.cause, liveStore.cause);
    return {
      status: ready ? 'ready' : 'not-ready',
      shuttingDown: this.shutdown.shuttingDown,
      checks: { database: database.result, liveStore: liveStore.result },
    };
  }

  private logOutcome(ready: boolean, databaseError: unknown, liveStoreError: unknown): void {
    if (ready) {
      if (this.consecutiveFailures > 0) {
        this.logger.info({ failedChecks: this.consecutiveFailures }, 'Readiness checks pass again');
      }
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    // Probes run every few seconds: log the 1st, 2nd, 4th, 8th... failure in a row.
    if ((this.consecutiveFailures & (this.consecutiveFailures - 1)) === 0) {
      this.logger.warn(
        { databaseError, liveStoreError, failedChecks: this.consecutiveFailures },
        'Readiness check failed, so this process reports 503 on /health/ready',
      );
    }
  }
}

async function timeCheck(kind: string, failure: string, probe: () => Promise<unknown>): Promise<{ result: DependencyCheck; cause?: unknown }> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), READINESS_CHECK_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([probe().then(() => 'done' as const), timeout]);
    const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
    if (outcome === 'timeout') {
      const error = `timed out after ${READINESS_CHECK_TIMEOUT_MS} ms`;
      return { result: { status: 'down', kind, latencyMs, error }, cause: error };
    }
    return { result: { status: 'up', kind, latencyMs } };
  } catch (cause) {
    const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
    return { result: { status: 'down', kind, latencyMs, error: failure }, cause };
  } finally {
    clearTimeout(timer);
  }
}
