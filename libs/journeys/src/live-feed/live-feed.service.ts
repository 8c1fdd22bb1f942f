import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { filter, Observable, Subject } from 'rxjs';
import { parseInput, ROOT_LOGGER } from '#wayline/common';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { feedQuerySchema, matchesFeedFilter } from './feed-filter.ts';
import { FEED_CHANNEL, type FeedMessage } from './feed-message.ts';

/**
 * Publishes feed messages on the live store and streams them to subscribers. With
 * Redis, a message published by any worker reaches the subscribers of every API
 * replica; with the in-process store, those of this process only.
 */
@Injectable()
export class LiveFeedService implements OnModuleDestroy {
  private readonly logger: Logger;
  private readonly messages = new Subject<FeedMessage>();
  private subscription: Promise<() => Promise<void>> | undefined;
  private publishFailures = 0;

  constructor(
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: LiveFeedService.name });
  }

  /**
   * Sends messages to every replica. A failure is logged and dropped: the feed is a
   * live view, and the scored events stay queryable through the journey endpoint.
   */
  async publish(messages: FeedMessage[]): Promise<void> {
    if (messages.length === 0) {
      return;
    }
    try {
      await this.liveStore.publish(FEED_CHANNEL, JSON.stringify(messages));
      this.publishFailures = 0;
    } catch (error) {
      this.publishFailures += 1;
      if ((this.publishFailures & (this.publishFailures - 1)) === 0) {
        this.logger.warn({ err: error, failures: this.publishFailures, messages: messages.length }, 'Failed to publish feed messages; they are dropped');
      }
    }
  }

  /** Validates the filter query and returns the stream of matching messages. */
  async stream(query: unknown): Promise<Observable<FeedMessage>> {
    const feedFilter = parseInput(feedQuerySchema, query, 'query');
    await this.ensureSubscribed();
    return this.messages.pipe(filter((message) => matchesFeedFilter(message, feedFilter)));
  }

  async onModuleDestroy(): Promise<void> {
    this.messages.complete();
    const unsubscribe = await this.subscription?.catch(() => undefined);
    await unsubscribe?.().catch(() => undefined);
  }

  /** Subscribes to the live store once per process, on the first stream request. */
  private ensureSubscribed(): Promise<() => Promise<void>> {
    this.subscription ??= this.liveStore.subscribe(FEED_CHANNEL, (raw) => {
      try {
        for (const message of JSON.parse(raw) as FeedMessage[]) {
          this.messages.next(message);
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'Dropped a feed message that is not valid JSON');
      }
    }).catch((error: unknown) => {
      // Let the next stream request try again instead of keeping the failure.
      this.subscription = undefined;
      throw error;
    });
    return this.subscription;
  }
}
