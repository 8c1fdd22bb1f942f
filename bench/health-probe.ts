import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalHttpClient } from './local-http-client.ts';
import { summarizeLatencies, type LatencySummary } from './percentiles.ts';

export interface HealthProbeResult {
  latency: LatencySummary;
  failures: number;
}

/** Upper bound on probes, whatever the phase length: one day at the default interval. */
const MAX_PROBES = 345_600;

/**
 * Calls `GET /health` every `intervalMs`, one request at a time, while a phase runs.
 * The health handler does no I/O, so its latency is mostly the time the request waits
 * for the server's event loop: a high maximum means the loop was blocked that long.
 */
export class HealthProbe {
  private stopped = false;
  private readonly latenciesMs: number[] = [];
  private failures = 0;
  private readonly running: Promise<void>;

  constructor(
    private readonly client: LocalHttpClient,
    private readonly intervalMs = 250,
  ) {
    this.running = this.loop();
  }

  async stop(): Promise<HealthProbeResult> {
    this.stopped = true;
    await this.running;
    return { latency: summarizeLatencies(this.latenciesMs), failures: this.failures };
  }

  private async loop(): Promise<void> {
    for (let probe = 0; probe < MAX_PROBES && !this.stopped; probe += 1) {
      const startMs = performance.now();
      try {
        const response = await this.client.getReadOnly('/health');
        if (response.status === 200) {
          this.latenciesMs.push(performance.now() - startMs);
        } else {
          this.failures += 1;
        }
      } catch {
        this.failures += 1;
      }
      if (!this.stopped) {
        await sleep(this.intervalMs);
      }
    }
  }
}
