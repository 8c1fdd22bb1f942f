import { performance } from 'node:perf_hooks';
import { sendEventBatches, type SendResult } from '../event-sender.ts';
import type { PhaseUsage } from '../process-sampler.ts';
import { Progress } from '../progress.ts';
import { waitUntilScored } from '../scoring-wait.ts';
import { customerId, eventBatches } from '../synthetic-events.ts';
import type { ScenarioContext, ScenarioResultBase } from './scenario-context.ts';

export interface IngestionResult extends ScenarioResultBase {
  customers: number;
  eventsPerCustomer: number;
  batchSize: number;
  concurrency: number;
  send: SendResult;
  /** Accepted events over the time from the first batch sent to the last one answered. */
  acceptedEventsPerSecond: number;
  /** True when every customer's journey showed no pending event before the timeout. */
  allScored: boolean;
  /** From the last batch answered to the last customer seen fully scored, in seconds. */
  scoringTailSeconds: number | null;
  /** From the first batch sent to the last customer seen fully scored, in seconds. */
  endToEndSeconds: number | null;
  /** Accepted events over endToEndSeconds: events per second through ingestion to updated state. */
  endToEndEventsPerSecond: number | null;
  /** `GET /v1/customers/{id}/journey` requests made to watch scoring. */
  journeyRequests: number;
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
  const client = context.createClient(Math.max(options.ingestionConcurrency, 4));
  const timeoutMs = options.timeoutSeconds * 1000;
  const usage: PhaseUsage[] = [];
  try {
    sampler.beginPhase('ingestion: sending events');
    const sendProgress = new Progress('ingestion: sending events');
    const startMs = performance.now();
    const send = await sendEventBatches(
      client,
      eventBatches({
        prefix: CUSTOMER_PREFIX,
        customers: options.customers,
        rounds: options.eventsPerCustomer,
        batchSize: options.batchSize,
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
    usage.push(sampler.endPhase());
    sendProgress.done(
      `${send.accepted} of ${send.events} events accepted in ${(send.elapsedMs / 1000).toFixed(1)} s` +
        (send.failedBatches > 0 ? `; ${send.failedBatches} batches failed, the first with: ${send.firstError}` : '') +
        (send.timedOut ? `; stopped at the ${options.timeoutSeconds} s timeout` : ''),
    );

    sampler.beginPhase('ingestion: waiting for scoring');
    const customerIds = Array.from({ length: options.customers }, (_, index) => customerId(CUSTOMER_PREFIX, index));
    const scoringProgress = new Progress('ingestion: waiting for scoring');
    const wait = await waitUntilScored(client, customerIds, { timeoutMs, progress: scoringProgress });
    usage.push(sampler.endPhase());
    scoringProgress.done(
      wait.drainedAtMs === null
        ? `timed out after ${options.timeoutSeconds} s with ${wait.customersPending} customers still pending`
        : `all events scored ${((wait.drainedAtMs - sentMs) / 1000).toFixed(1)} s after the last batch`,
    );

    const endToEndSeconds = wait.drainedAtMs === null ? null : (Math.max(wait.drainedAtMs, sentMs) - startMs) / 1000;
    return {
      customers: options.customers,
      eventsPerCustomer: options.eventsPerCustomer,
      batchSize: options.batchSize,
      concurrency: options.ingestionConcurrency,
      send,
      acceptedEventsPerSecond: send.accepted / (send.elapsedMs / 1000),
      allScored: wait.drainedAtMs !== null,
      scoringTailSeconds: wait.drainedAtMs === null ? null : Math.max(0, wait.drainedAtMs - sentMs) / 1000,
      endToEndSeconds,
      endToEndEventsPerSecond: endToEndSeconds === null ? null : send.accepted / endToEndSeconds,
      journeyRequests: wait.journeyRequests,
      usage,
    };
  } finally {
    client.close();
  }
}
