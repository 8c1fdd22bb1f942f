import { Module } from '@nestjs/common';
import { AuditModule } from '#wayline/audit';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository.ts';
import { DeadLetterService } from './dead-letters/dead-letter.service.ts';
import { DELIVERY_RANDOM_SOURCE, DeliveryService } from './delivery.service.ts';
import { MessageQueryService } from './messages/message-query.service.ts';
import { OutreachMessageRepository } from './outreach-message.repository.ts';
import { SendTimeRepository } from './send-time/send-time.repository.ts';
import { SendTimeService } from './send-time/send-time.service.ts';
import { WebhookSender } from './webhook.sender.ts';

/** Delivery of scheduled outreach messages to channel webhooks. Needs the global config, logger and Prisma providers. */
@Module({
  imports: [AuditModule],
  providers: [
    OutreachMessageRepository,
    WebhookSender,
    DeliveryService,
    DeadLetterRepository,
    DeadLetterService,
    MessageQueryService,
    SendTimeRepository,
    SendTimeService,
    { provide: DELIVERY_RANDOM_SOURCE, useValue: Math.random },
  ],
  exports: [DeliveryService, OutreachMessageRepository, SendTimeService, DeadLetterService, MessageQueryService],
})
export class DeliveryModule {}
