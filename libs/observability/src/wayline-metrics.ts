import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ROOT_LOGGER } from '#wayline/common';

/**
 * Result of one next-best-offer request, the label of the decision metrics: `rejected` is
 * a request refused for bad input or an unknown channel, `error` any other failure.
 */
export type DecisionOutcome = 'offer' | 'holdout' | 'no-offer' | 'rejected' | 'error';

/** Result of one delivery attempt, as counted by the delivery service. */
export type DeliveryResult = 'sent' | 'retried' | 'failed' | 'cancelled' | 'skipped' | 'deferred';

/** How far the worker's queues are behind, read on scrape. Ages are 0 when the queue is empty. */
export interface QueueLag {
  unscoredEvents: number;
  oldestUnscoredAgeSeconds: number;
  dueMessages: number;
  oldestDueAgeSeconds: number;
}

/** How long a queue lag reading is reused, so frequent scrapes do not query the database each time. */
export const QUEUE_LAG_CACHE_MS = 5_000;

const HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The process's Prometheus registry and every Wayline metric. Label values come from
 * fixed sets or route templates, never from request data, so the number of series stays
 * bounded.
 */
@Injectable()
export class WaylineMetrics {
  readonly registry = new Registry();
  private readonly logger: Logger;

  private readonly httpRequests: Counter<'method' | 'route' | 'status_class'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  private readonly decisions: Counter<'outcome'>;
  private readonly decisionDuration: Histogram<'outcome'>;
  private readonly deliveries: Counter<'channel_kind' | 'result'>;

  private queueLagReader: (() => Promise<QueueLag>) | undefined;
  private queueLagCache: { readAt: number; value: Promise<QueueLag | null> } | undefined;
  private queueLagFailures = 0;

  constructor(@Inject(ROOT_LOGGER) rootLogger: Logger) {
    this.logger = rootLogger.child({ context: WaylineMetrics.name });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'wayline_http_requests_total',
      help: 'HTTP requests served, by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'wayline_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, in seconds',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.decisions = new Counter({
      name: 'wayline_decisions_total',
      help: 'Next-best-offer requests, by outcome: offer (treatment), holdout (control), no-offer, rejected (bad input), error',
      labelNames: ['outcome'],
      registers,
    });
    this.decisionDuration = new Histogram({
      name: 'wayline_decision_duration_seconds',
      help: 'Time to pick and record a next best offer, in seconds',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.deliveries = new Counter({
      name: 'wayline_deliveries_total',
      help: 'Outreach message delivery attempts, by channel kind and result',
      labelNames: ['channel_kind', 'result'],
      registers,
    });
  }

  /** Counts one finished HTTP request. `route` is the route template, or `unmatched` when no route matched. */
  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const upperMethod = method.toUpperCase();
    const labels = {
      method: HTTP_METHODS.has(upperMethod) ? upperMethod : 'OTHER',
      route,
      status_class: `${Math.floor(statusCode / 100)}xx`,
    };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  observeDecision(outcome: DecisionOutcome, seconds: number): void {
    this.decisions.inc({ outcome });
    this.decisionDuration.observe({ outcome }, seconds);
  }

  countDelivery(channelKind: string, result: DeliveryResult): void {
    this.deliveries.inc({ channel_kind: channelKind, result });
  }

  /**
   * Exports the queue lag gauges, read with `reader` on scrape and reused for
   * {@link QUEUE_LAG_CACHE_MS}. Only processes that can run the queries call this; a
   * second call replaces the reader.
   */
  useQueueLagReader(reader: () => Promise<QueueLag>): void {
    const alreadyRegistered = this.queueLagReader !== undefined;
    this.queueLagReader = reader;
    this.queueLagCache = undefined;
    if (alreadyRegistered) {
      return;
    }
    const gauge = (name: string, help: string, pick: (lag: QueueLag) => number): void => {
      const metrics = this;
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const lag = await metrics.readQueueLag();
          // A failed reading exports no sample instead of a stale one.
          this.reset();
          if (lag !== null) {
            this.set(pick(lag));
          }
        },
      });
    };
    gauge('wayline_scoring_backlog_events', 'Events received but not scored yet', (lag) => lag.unscoredEvents);
    gauge('wayline_scoring_backlog_oldest_age_seconds', 'Age of the oldest unscored event, in seconds; 0 when none is waiting', (lag) => lag.oldestUnscoredAgeSeconds);
    gauge('wayline_outreach_due_messages', 'Outreach messages due for sending and not yet claimed by a worker', (lag) => lag.dueMessages);
    gauge('wayline_outreach_oldest_due_age_seconds', 'How long the oldest due outreach message has waited, in seconds; 0 when none is due', (lag) => lag.oldestDueAgeSeconds);
  }

  /** Renders every metric in the Prometheus text format. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private readQueueLag(): Promise<QueueLag | null> {
    const reader = this.queueLagReader;
    if (reader === undefined) {
      return Promise.resolve(null);
    }
    const now = Date.now();
    if (this.queueLagCache !== undefined && now - this.queueLagCache.readAt < QUEUE_LAG_CACHE_MS) {
      return this.queueLagCache.value;
    }
    const value = reader().then(
      (lag) => {
        this.queueLagFailures = 0;
        return lag;
      },
      (error: unknown) => {
        this.queueLagFailures += 1;
        // Log the 1st, 2nd, 4th, 8th... failure in a row, not one line per scrape.
        if ((this.queueLagFailures & (this.queueLagFailures - 1)) === 0) {
          this.logger.warn({ err: error, failures: this.queueLagFailures }, 'Failed to read the queue lag for metrics; its gauges have no sample');
        }
        return null;
      },
    );
    this.queueLagCache = { readAt: now, value };
    return value;
  }
}
