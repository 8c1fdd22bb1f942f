import { performance } from 'node:perf_hooks';
import type { LocalHttpClient } from './local-http-client.ts';
import { summarizeLatencies, type LatencySummary } from './percentiles.ts';
import type { Progress } from './progress.ts';
import type { EventBody } from './synthetic-events.ts';

export interface SendResult {
  batches: number;
  failedBatches: number;
  firstError: string | null;
  events: number;
  accepted: number;
  duplicates: number;
  elapsedMs: number;
  /** Time of one `POST /v1/events` request, from sending it to the end of the response. */
  batchLatency: LatencySummary;
  /** True when the deadline stopped the run before every batch was sent. */
  timedOut: boolean;
}

/**
 * Sends the batches through `POST /v1/events` over `concurrency` connections, each taking
 * the next batch as soon as the response to its previous one arrives. A rejected batch
 * is counted and the run goes on, so one failed request does not hide the figures of the rest.
 */
export async function sendEventBatches(
  client: LocalHttpClient,
  batches: Iterator<EventBody[]>,
  options: { concurrency: number; totalEvents: number; deadlineMs: number; progress: Progress },
): Promise<SendResult> {
  const startMs = performance.now();
  const latenciesMs: number[] = [];
  const result: Omit<SendResult, 'elapsedMs' | 'batchLatency' | 'timedOut'> = {
    batches: 0,
    failedBatches: 0,
    firstError: null,
    events: 0,
    accepted: 0,
    duplicates: 0,
  };
  let timedOut = false;

  const connection = async () => {
    while (true) {
      if (performance.now() > options.deadlineMs) {
        timedOut = true;
        return;
      }
      const next = batches.next();
      if (next.done) {
        return;
      }
      const body = JSON.stringify({ events: next.value });
      const sentMs = performance.now();
      try {
        const response = await client.post('/v1/events', body);
        latenciesMs.push(performance.now() - sentMs);
        if (response.status === 202) {
          const ingestion = JSON.parse(response.body) as { accepted: number; duplicates: number };
          result.accepted += ingestion.accepted;
          result.duplicates += ingestion.duplicates;
        } else {
          result.failedBatches += 1;
          result.firstError ??= `POST /v1/events returned ${response.status}: ${response.body.slice(0, 300)}`;
        }
      } catch (error) {
        result.failedBatches += 1;
        result.firstError ??= error instanceof Error ? error.message : String(error);
      }
      result.batches += 1;
      result.events += next.value.length;
      options.progress.update(result.events / options.totalEvents, `${result.accepted} events accepted`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, connection));

  return { ...result, elapsedMs: performance.now() - startMs, batchLatency: summarizeLatencies(latenciesMs), timedOut };
}
