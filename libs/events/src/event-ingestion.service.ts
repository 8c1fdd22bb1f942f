import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER, ValidationError, type FieldProblem } from '#wayline/common';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { EventRepository, type StoredEventResult } from './event.repository.ts';
import { parseEventBatch, type EventInput } from './event.schema.ts';

/** Same shape test as parseEventBatch, so problem paths match the body that was sent. */
function isBatchBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
}

/** Live-store channel on which ingestion announces customers with new, unscored events. */
export const EVENTS_INGESTED_CHANNEL = 'events.ingested';

export interface IngestionResult {
  accepted: number;
  duplicates: number;
  /** One entry per event sent, in the order sent. */
  events: StoredEventResult[];
}

@Injectable()
export class EventIngestionService {
  private readonly logger: Logger;

  constructor(
    private readonly events: EventRepository,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: 'EventIngestionService' });
  }

  /**
   * Validates and stores a batch durably, then wakes the scoring workers. The response
   * is sent only after the commit, so an accepted event survives a crash. Scoring comes
   * later, and because the worker also polls, a lost wake-up only delays it.
   */
  async ingest(body: unknown): Promise<IngestionResult> {
    const events = parseEventBatch(body);
    await this.checkJourneys(events, isBatchBody(body));
    const results = await this.events.insertBatch(events);
    const inserted = results.filter((result) => !result.duplicate);

    const customerIds = [...new Set(inserted.map((event) => event.customerId))];
    if (customerIds.length > 0) {
      try {
        await this.liveStore.publish(EVENTS_INGESTED_CHANNEL, JSON.stringify(customerIds));
      } catch (error) {
        this.logger.warn({ err: error, customers: customerIds.length }, 'Failed to announce new events; the scoring worker will find them by polling');
      }
    }

    return { accepted: inserted.length, duplicates: events.length - inserted.length, events: results };
  }

  /**
   * Rejects the batch when an event names a journey that is unknown or inactive, with one
   * query per batch and none when no event names a journey. A journey deactivated after
   * this check is ignored at scoring, which then places the event by its touchpoint.
   */
  private async checkJourneys(events: EventInput[], isBatch: boolean): Promise<void> {
    const named = [...new Set(events.map((event) => event.journey).filter((key): key is string => typeof key === 'string'))];
    if (named.length === 0) {
      return;
    }
    const activeByKey = new Map((await this.events.findJourneys(named)).map((journey) => [journey.key, journey.active]));
    const problems: FieldProblem[] = [];
    events.forEach((event, index) => {
      if (typeof event.journey !== 'string') {
        return;
      }
      const active = activeByKey.get(event.journey);
      if (active === true) {
        return;
      }
      problems.push({
        path: isBatch ? `body.events[${index}].journey` : 'body.journey',
        message:
          active === undefined
            ? `journey '${event.journey}' was not found; create it with POST /v1/admin/journeys or leave the field out`
            : `journey '${event.journey}' is inactive; reactivate it with PATCH /v1/admin/journeys/${event.journey} or leave the field out`,
      });
    });
    if (problems.length > 0) {
      throw new ValidationError(problems.slice(0, 20));
    }
  }
}
