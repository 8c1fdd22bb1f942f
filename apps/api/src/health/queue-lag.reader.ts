import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OutreachMessageRepository } from '#wayline/delivery';
import { JourneyQueryService } from '#wayline/journeys';
import { WaylineMetrics, type QueueLag } from '#wayline/observability';

/**
 * Feeds the queue lag gauges of /metrics: the scoring backlog from the scoring status
 * query, and the outreach messages that are due but not yet claimed. The API exports
 * them, because every API replica reads the same shared tables; the worker's metrics
 * server does not.
 */
@Injectable()
export class QueueLagReader implements OnModuleInit {
  constructor(
    @Inject(WaylineMetrics) private readonly metrics: WaylineMetrics,
    @Inject(JourneyQueryService) private readonly journeys: JourneyQueryService,
    @Inject(OutreachMessageRepository) private readonly messages: OutreachMessageRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.useQueueLagReader(() => this.read());
  }

  async read(now = new Date()): Promise<QueueLag> {
    const [scoring, due] = await Promise.all([this.journeys.getScoringStatus({}, now), this.messages.countDue(now)]);
    return {
      unscoredEvents: scoring.unscoredEvents,
      oldestUnscoredAgeSeconds: scoring.lagSeconds ?? 0,
      dueMessages: due.count,
      oldestDueAgeSeconds: due.oldestDueAt === null ? 0 : Math.max(0, (now.getTime() - due.oldestDueAt.getTime()) / 1000),
    };
  }
}
