import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpRequestError, type LocalHttpClient } from './local-http-client.ts';
import type { Progress } from './progress.ts';

export interface ScoringWaitResult {
  /** performance.now() when scoring was first seen caught up, or null on timeout. */
  drainedAtMs: number | null;
  /** Events still unscored at the timeout, or 0. */
  eventsPending: number;
  /** Requests to GET /v1/scoring/status and to the journeys of the sampled customers. */
  statusRequests: number;
}

const POLL_INTERVAL_MS = 50;
/** Customers whose journeys are read at the end, to check them against the status endpoint. */
const SAMPLE_SIZE = 16;

/**
 * Polls `GET /v1/scoring/status` every POLL_INTERVAL_MS until no event is left unscored.
 * The poll is one indexed count, so it hardly slows scoring down, and the end is known
 * to within one interval. Then it reads the journeys of a sample of customers and fails
 * if any of them still reports a pending event.
 */
export async function waitUntilScored(
  client: LocalHttpClient,
  customerIds: string[],
  options: { timeoutMs: number; progress: Progress },
): Promise<ScoringWaitResult> {
  const deadlineMs = performance.now() + options.timeoutMs;
  let statusRequests = 0;
  let firstBacklog: number | null = null;
  let eventsPending = Number.POSITIVE_INFINITY;

  while (performance.now() < deadlineMs) {
    statusRequests += 1;
    eventsPending = await unscoredEvents(client);
    const observedAtMs = performance.now();
    firstBacklog ??= Math.max(eventsPending, 1);
    options.progress.update(Math.min(1, 1 - eventsPending / firstBacklog), `${eventsPending} events waiting to be scored`);
    if (eventsPending === 0) {
      const step = Math.max(1, Math.floor(customerIds.length / SAMPLE_SIZE));
      for (const customerId of customerIds.filter((_, index) => index % step === 0).slice(0, SAMPLE_SIZE)) {
        statusRequests += 1;
        const pending = await pendingEventsOf(client, customerId);
        if (pending !== 0) {
          throw new Error(`GET /v1/scoring/status reported no unscored event, but customer ${customerId} has ${pending} pending`);
        }
      }
      return { drainedAtMs: observedAtMs, eventsPending: 0, statusRequests };
    }
    await sleep(POLL_INTERVAL_MS);
  }
  return { drainedAtMs: null, eventsPending, statusRequests };
}

async function unscoredEvents(client: LocalHttpClient): Promise<number> {
  const response = await client.getReadOnly('/v1/scoring/status');
  if (response.status !== 200) {
    throw new HttpRequestError(`GET /v1/scoring/status returned ${response.status}, expected 200: ${response.body.slice(0, 500)}`);
  }
  return (JSON.parse(response.body) as { unscoredEvents: number }).unscoredEvents;
}

async function pendingEventsOf(client: LocalHttpClient, customerId: string): Promise<number> {
  const path = `/v1/customers/${encodeURIComponent(customerId)}/journey?limit=1`;
  const response = await client.getReadOnly(path);
  if (response.status !== 200) {
    throw new HttpRequestError(`GET ${path} returned ${response.status}, expected 200: ${response.body.slice(0, 500)}`);
  }
  return (JSON.parse(response.body) as { pendingEvents: number }).pendingEvents;
}
