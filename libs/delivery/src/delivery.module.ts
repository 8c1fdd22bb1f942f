import { Module } from '@nestjs/common';
import { DELIVERY_RANDOM_SOURCE, DeliveryService } from './delivery.service.ts';
import { OutreachMessageRepository } from './outreach-message.repository.ts';
import { WebhookSender } from './webhook.sender.ts';

/** Delivery of scheduled outreach messages to channel webhooks. Needs the global config, logger and Prisma providers. */
@Module({
  providers: [
    OutreachMessageRepository,
    WebhookSender,
    DeliveryService,
    { provide: DELIVERY_RANDOM_SOURCE, useValue: Math.random },
  ],
  exports: [DeliveryService, OutreachMessageRepository],
})
export class DeliveryModule {}
