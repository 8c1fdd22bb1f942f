import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { EventRepository, type StoredEventRef } from './event.repository.ts';
import { parseEventBatch } from './event.schema.ts';

/** Live-store channel on which ingestion announces customers with new, unscored events. */
export const EVENTS_INGESTED_CHANNEL = 'events.ingested';

export interface IngestionResult {
  accepted: number;
  duplicates: number;
  events: Array<{ id: string; customerId: string; idempotencyKey: string | null; duplicate: boolean }>;
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
   * is sent only after the commit, so an accepted event survives a crash; scoring
   * happens after, and the worker also polls, so a lost wake-up only delays it.
   */
  async ingest(body: unknown): Promise<IngestionResult> {
    const events = parseEventBatch(body);
    const { inserted, duplicates } = await this.events.insertBatch(events);

    const customerIds = [...new Set(inserted.map((event) => event.customerId))];
    if (customerIds.length > 0) {
      try {
        await this.liveStore.publish(EVENTS_INGESTED_CHANNEL, JSON.stringify(customerIds));
      } catch (error) {
        this.logger.warn({ err: error, customers: customerIds.length }, 'Failed to announce new events; the scoring worker will find them by polling');
      }
    }

    const toView = (event: StoredEventRef, duplicate: boolean) => ({ ...event, duplicate });
    return {
      accepted: inserted.length,
      duplicates: events.length - inserted.length,
      events: [...inserted.map((event) => toView(event, false)), ...duplicates.map((event) => toView(event, true))],
    };
  }
}
