import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalHttpClient } from './local-http-client.ts';
import { summarizeLatencies, type LatencySummary } from './percentiles.ts';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** Latency of one tenth of a run, in start order, to show whether latency drifts during the run. */
export interface LatencySlice {
  requests: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadResult {
  requests: number;
  /** Requests that failed on the network or returned another status than `expectedStatus`. */
  errors: number;
  statusCounts: Record<string, number>;
  firstError: string | null;
  elapsedSeconds: number;
  throughputPerSecond: number;
  latency: LatencySummary;
  latencyByTenth: LatencySlice[];
}

export interface ClosedLoopOptions {
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  expectedStatus: number;
  nextRequest: (index: number) => LoadRequest;
  onProgress?: (fraction: number) => void;
}

export interface FixedRateOptions extends Omit<ClosedLoopOptions, 'concurrency'> {
  ratePerSecond: number;
  /** Maximum requests in flight. A due request waits for a free slot, and the wait counts as latency. */
  maxInFlight: number;
}

export interface FixedRateResult extends LoadResult {
  targetRatePerSecond: number;
  /**
   * How late requests started after their scheduled time, because of timer granularity,
   * a busy load generator or the in-flight limit. It is part of the latency figures.
   */
  startLag: LatencySummary;
}

/** Records the requests of one run. Latency counts from each request's intended start. */
class LoadRecorder {
  readonly startedAtMs: number[] = [];
  readonly latenciesMs: number[] = [];
  readonly statusCounts: Record<string, number> = {};
  errors = 0;
  firstError: string | null = null;

  constructor(private readonly expectedStatus: number) {}

  async send(client: LocalHttpClient, request: LoadRequest, intendedStartMs: number): Promise<void> {
    let status: string;
    try {
      const response = await client.request(request.method, request.path, request.body);
      status = String(response.status);
      if (response.status !== this.expectedStatus) {
        this.recordError(`${request.method} ${request.path} returned ${response.status}: ${response.body.slice(0, 300)}`);
      }
    } catch (error) {
      status = 'network-error';
      this.recordError(error instanceof Error ? error.message : String(error));
    }
    this.startedAtMs.push(intendedStartMs);
    this.latenciesMs.push(performance.now() - intendedStartMs);
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
  }

  result(elapsedMs: number): LoadResult {
    const requests = this.latenciesMs.length;
    return {
      requests,
      errors: this.errors,
      statusCounts: this.statusCounts,
      firstError: this.firstError,
      elapsedSeconds: elapsedMs / 1000,
      throughputPerSecond: elapsedMs > 0 ? requests / (elapsedMs / 1000) : 0,
      latency: summarizeLatencies(this.latenciesMs),
      latencyByTenth: this.slices(10),
    };
  }

  private recordError(message: string): void {
    this.errors += 1;
    this.firstError ??= message;
  }

  private slices(count: number): LatencySlice[] {
    const order = this.startedAtMs.map((_, index) => index).sort((a, b) => this.startedAtMs[a]! - this.startedAtMs[b]!);
    const slices: LatencySlice[] = [];
    for (let slice = 0; slice < count; slice += 1) {
      const from = Math.floor((slice * order.length) / count);
      const to = Math.floor(((slice + 1) * order.length) / count);
      const summary = summarizeLatencies(order.slice(from, to).map((index) => this.latenciesMs[index]!));
      slices.push({ requests: summary.count, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms });
    }
    return slices;
  }
}

/**
 * Keeps `concurrency` requests in flight, each connection sending its next request as
 * soon as the response to the previous one arrives, until `durationMs` has passed or `maxRequests`
 * were sent. Its throughput is the peak rate at that concurrency.
 */
export async function runClosedLoop(client: LocalHttpClient, options: ClosedLoopOptions): Promise<LoadResult> {
  const recorder = new LoadRecorder(options.expectedStatus);
  const startMs = performance.now();
  const deadlineMs = startMs + options.durationMs;
  let issued = 0;

  const progressTimer = setInterval(() => options.onProgress?.(Math.min(1, (performance.now() - startMs) / options.durationMs)), 500);
  const connection = async (): Promise<void> => {
    while (issued < options.maxRequests && performance.now() < deadlineMs) {
      const request = options.nextRequest(issued);
      issued += 1;
      await recorder.send(client, request, performance.now());
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, connection));
  } finally {
    clearInterval(progressTimer);
  }
  options.onProgress?.(1);
  return recorder.result(performance.now() - startMs);
}

/**
 * Sends requests on a fixed schedule of `ratePerSecond`, however long the responses take
 * (an open loop). Latency counts from the scheduled start, so a slow response that delays
 * the next requests shows in their latency too, instead of lowering the offered rate.
 */
export async function runFixedRate(client: LocalHttpClient, options: FixedRateOptions): Promise<FixedRateResult> {
  const recorder = new LoadRecorder(options.expectedStatus);
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.min(options.maxRequests, Math.floor((options.durationMs / 1000) * options.ratePerSecond));
  const startMs = performance.now();
  const inFlight = new Set<Promise<void>>();
  const startLagsMs: number[] = [];
  let lastProgressMs = startMs;

  for (let index = 0; index < total; index += 1) {
    const scheduledMs = startMs + index * intervalMs;
    // Timers count whole milliseconds on a clock cached per event-loop turn, so one can
    // fire a fraction of a millisecond early. Waiting again keeps every start at or after
    // its scheduled time, and each pass waits at least 1 ms, so the loop ends.
    for (let waitMs = scheduledMs - performance.now(); waitMs > 0; waitMs = scheduledMs - performance.now()) {
      await sleep(Math.ceil(waitMs));
    }
    while (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
    }
    startLagsMs.push(performance.now() - scheduledMs);
    const sending = recorder.send(client, options.nextRequest(index), scheduledMs).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (performance.now() - lastProgressMs >= 500) {
      lastProgressMs = performance.now();
      options.onProgress?.(index / total);
    }
  }
  await Promise.all(inFlight);
  options.onProgress?.(1);
  return { ...recorder.result(performance.now() - startMs), targetRatePerSecond: options.ratePerSecond, startLag: summarizeLatencies(startLagsMs) };
}
