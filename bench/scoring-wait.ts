import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpRequestError, type LocalHttpClient } from './local-http-client.ts';
import type { Progress } from './progress.ts';

export interface ScoringWaitResult {
  /** performance.now() when the last customer was seen with no pending event, or null on timeout. */
  drainedAtMs: number | null;
  /** Customers still with pending events at the timeout. */
  customersPending: number;
  journeyRequests: number;
}

/** Customers polled while most events are still pending. A small sample keeps the polling from slowing scoring down. */
const SAMPLE_SIZE = 16;
const POLL_CONCURRENCY = 4;
const PAUSE_BETWEEN_SWEEPS_MS = 100;

/**
 * Waits until every customer's journey reports `pendingEvents == 0`. It first polls a
 * small sample until that sample is scored, then sweeps over all customers, dropping each
 * one once it is scored, until none is left. A customer who receives no new events stays
 * scored, so each one needs to be seen scored once. The end is known to within one sweep.
 */
export async function waitUntilScored(
  client: LocalHttpClient,
  customerIds: string[],
  options: { timeoutMs: number; progress: Progress },
): Promise<ScoringWaitResult> {
  const deadlineMs = performance.now() + options.timeoutMs;
  const pending = new Set(customerIds);
  let journeyRequests = 0;
  let drainedAtMs: number | null = null;

  const checkAll = async (ids: string[]): Promise<void> => {
    let next = 0;
    const poller = async () => {
      while (next < ids.length && performance.now() < deadlineMs) {
        const id = ids[next]!;
        next += 1;
        journeyRequests += 1;
        if ((await pendingEventsOf(client, id)) === 0) {
          pending.delete(id);
          drainedAtMs = performance.now();
        }
      }
    };
    await Promise.all(Array.from({ length: POLL_CONCURRENCY }, poller));
    options.progress.update((customerIds.length - pending.size) / customerIds.length, `${pending.size} customers with pending events`);
  };

  const step = Math.max(1, Math.floor(customerIds.length / SAMPLE_SIZE));
  let sample = customerIds.filter((_, index) => index % step === 0).slice(0, SAMPLE_SIZE);
  while (sample.length > 0 && performance.now() < deadlineMs) {
    await checkAll(sample);
    sample = sample.filter((id) => pending.has(id));
    if (sample.length > 0) {
      await sleep(PAUSE_BETWEEN_SWEEPS_MS);
    }
  }

  while (pending.size > 0 && performance.now() < deadlineMs) {
    await checkAll([...pending]);
    if (pending.size > 0) {
      await sleep(PAUSE_BETWEEN_SWEEPS_MS);
    }
  }

  return { drainedAtMs: pending.size === 0 ? drainedAtMs : null, customersPending: pending.size, journeyRequests };
}

async function pendingEventsOf(client: LocalHttpClient, customerId: string): Promise<number> {
  const path = `/v1/customers/${encodeURIComponent(customerId)}/journey?limit=1`;
  const response = await client.getReadOnly(path);
  if (response.status !== 200) {
    throw new HttpRequestError(`GET ${path} returned ${response.status}, expected 200: ${response.body.slice(0, 500)}`);
  }
  return (JSON.parse(response.body) as { pendingEvents: number }).pendingEvents;
}
