import { performance } from 'node:perf_hooks';
import { cpuMillisecondsPerUnit } from '../cpu-cost.ts';
import { sendEventBatches, type SendResult } from '../event-sender.ts';
import { HealthProbe, type HealthProbeResult } from '../health-probe.ts';
import type { PhaseUsage } from '../process-sampler.ts';
import { Progress } from '../progress.ts';
import { waitUntilScored } from '../scoring-wait.ts';
import { customerId, eventBatches, type EventOrder } from '../synthetic-events.ts';
import type { ScenarioContext, ScenarioResultBase } from './scenario-context.ts';

export interface IngestionResult extends ScenarioResultBase {
  customers: number;
  eventsPerCustomer: number;
  batchSize: number;
  eventOrder: EventOrder;
  concurrency: number;
  send: SendResult;
  /** Accepted events over the time from sending the first batch to the response to the last one. */
  acceptedEventsPerSecond: number;
  /** True when every customer's journey showed no pending event before the timeout. */
  allScored: boolean;
  /** Time from the response to the last batch to the last customer seen fully scored, in seconds. */
  scoringTailSeconds: number | null;
  /** From the first batch sent to the last customer seen fully scored, in seconds. */
  endToEndSeconds: number | null;
  /** Accepted events over endToEndSeconds: events per second through ingestion to updated state. */
  endToEndEventsPerSecond: number | null;
  /**
   * CPU time per accepted event over both phases, in milliseconds per process (see
   * cpuMillisecondsPerUnit). It includes serving the status polls that watch scoring,
   * one every 50 ms.
   */
  cpuMillisecondsPerEvent: Record<string, number>;
  /** The same over the sending phase alone, during which the worker scores alongside and nothing is polled. */
  cpuMillisecondsPerEventWhileSending: Record<string, number>;
  /** `GET /v1/scoring/status` polls, and journey reads of the sampled customers, made to watch scoring. */
  statusRequests: number;
  /** Read-only requests sent again because the server reset a reused connection. */
  connectionResetsRetried: number;
  /** `GET /health` latency every 250 ms while events were sent, a measure of how long the server's event loop was blocked. */
  healthWhileSending: HealthProbeResult;
  /** The same while the worker finished scoring. */
  healthWhileScoring: HealthProbeResult;
}

const CUSTOMER_PREFIX = 'ingest';

/**
 * Sends `customers` x `eventsPerCustomer` events through `POST /v1/events` and waits
 * until the worker has scored all of them, so the end-to-end rate includes the journey
 * scoring that turns events into customer state.
 */
export async function runIngestionScenario(context: ScenarioContext): Promise<IngestionResult> {
  const { options, sampler } = context;
  const totalEvents = options.customers * options.eventsPerCustomer;
  // Batches are not idempotent, so each one gets a connection of its own, which the
  // server cannot reset for being idle. Reads reuse connections and retry after a reset.
  const sender = context.createClient({ maxSockets: options.ingestionConcurrency, keepAlive: false, apiKey: context.keys.platform });
  const reader = context.createClient({ maxSockets: 5 });
  const timeoutMs = options.timeoutSeconds * 1000;
  const usage: PhaseUsage[] = [];
  try {
    await sampler.beginPhase('ingestion: sending events');
    let probe = new HealthProbe(reader);
    const sendProgress = new Progress('ingestion: sending events');
    const startMs = performance.now();
    const send = await sendEventBatches(
      sender,
      eventBatches({
        prefix: CUSTOMER_PREFIX,
        customers: options.customers,
        rounds: options.eventsPerCustomer,
        batchSize: options.batchSize,
        order: options.eventOrder,
        endMs: Date.now(),
        seed: 1,
      }),
      {
        concurrency: options.ingestionConcurrency,
        totalEvents,
        deadlineMs: startMs + timeoutMs,
        progress: sendProgress,
      },
    );
    const sentMs = performance.now();
    usage.push(await sampler.endPhase());
    const healthWhileSending = await probe.stop();
    sendProgress.done(
      `${send.accepted} of ${send.events} events accepted in ${(send.elapsedMs / 1000).toFixed(1)} s` +
        (send.failedBatches > 0 ? `; ${send.failedBatches} batches failed, the first with: ${send.firstError}` : '') +
        (send.timedOut ? `; stopped at the ${options.timeoutSeconds} s timeout` : ''),
    );

    await sampler.beginPhase('ingestion: waiting for scoring');
    probe = new HealthProbe(reader);
    const customerIds = Array.from({ length: options.customers }, (_, index) => customerId(CUSTOMER_PREFIX, index));
    const scoringProgress = new Progress('ingestion: waiting for scoring');
    const wait = await waitUntilScored(reader, customerIds, { timeoutMs, progress: scoringProgress });
    usage.push(await sampler.endPhase());
    const healthWhileScoring = await probe.stop();
    scoringProgress.done(
      wait.drainedAtMs === null
        ? `timed out after ${options.timeoutSeconds} s with ${wait.eventsPending} events still unscored`
        : `all events scored ${((wait.drainedAtMs - sentMs) / 1000).toFixed(1)} s after the last batch`,
    );

    const endToEndSeconds = wait.drainedAtMs === null ? null : (Math.max(wait.drainedAtMs, sentMs) - startMs) / 1000;
    return {
      customers: options.customers,
      eventsPerCustomer: options.eventsPerCustomer,
      batchSize: options.batchSize,
      eventOrder: options.eventOrder,
      concurrency: options.ingestionConcurrency,
      send,
      acceptedEventsPerSecond: send.accepted / (send.elapsedMs / 1000),
      allScored: wait.drainedAtMs !== null,
      scoringTailSeconds: wait.drainedAtMs === null ? null : Math.max(0, wait.drainedAtMs - sentMs) / 1000,
      endToEndSeconds,
      endToEndEventsPerSecond: endToEndSeconds === null ? null : send.accepted / endToEndSeconds,
      cpuMillisecondsPerEvent: cpuMillisecondsPerUnit(usage, send.accepted),
      cpuMillisecondsPerEventWhileSending: cpuMillisecondsPerUnit(usage.slice(0, 1), send.accepted),
      statusRequests: wait.statusRequests,
      connectionResetsRetried: reader.resetsRetried,
      healthWhileSending,
      healthWhileScoring,
      usage,
    };
  } finally {
    sender.close();
    reader.close();
  }
}
