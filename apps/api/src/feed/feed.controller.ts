import { Controller, Inject, Query, Sse, type MessageEvent } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { map, Observable, takeUntil } from 'rxjs';
import { LiveFeedService } from '#wayline/journeys';
import { ShutdownState } from '#wayline/observability';

@Controller('v1/feed')
@Roles('marketer', 'analyst')
export class FeedController {
  constructor(
    private readonly feed: LiveFeedService,
    @Inject(ShutdownState) private readonly shutdown: ShutdownState,
  ) {}

  /**
   * Streams scored events and customer state changes as Server-Sent Events, filtered by
   * `customer`, `journey` and `emotion`. Each SSE event's type is the message kind. The
   * stream ends when the process begins to shut down, so it does not hold the shutdown;
   * EventSource clients reconnect to another replica.
   */
  @Sse()
  async stream(@Query() query: unknown): Promise<Observable<MessageEvent>> {
    const messages = await this.feed.stream(query);
    const shutdownBegins = new Observable<void>((subscriber) => this.shutdown.onShutdown(() => subscriber.next()));
    return messages.pipe(
      takeUntil(shutdownBegins),
      map((message) => ({ type: message.kind, data: message })),
    );
  }
}
