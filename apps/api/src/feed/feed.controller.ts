import { Controller, Query, Sse, type MessageEvent } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { LiveFeedService } from '#wayline/journeys';

@Controller('v1/feed')
export class FeedController {
  constructor(private readonly feed: LiveFeedService) {}

  /**
   * Streams scored events and customer state changes as Server-Sent Events, filtered by
   * `customer`, `journey` and `emotion`. Each SSE event's type is the message kind.
   */
  @Sse()
  async stream(@Query() query: unknown): Promise<Observable<MessageEvent>> {
    const messages = await this.feed.stream(query);
    return messages.pipe(map((message) => ({ type: message.kind, data: message })));
  }
}
