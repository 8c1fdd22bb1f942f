import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { MessageQueryService, type MessageView } from '#wayline/delivery';

@Controller('v1/admin/messages')
@Roles('marketer', 'analyst')
export class MessagesController {
  constructor(@Inject(MessageQueryService) private readonly messages: MessageQueryService) {}

  /** Lists a customer's outreach messages, newest first, with their status and the reason for a cancellation. */
  @Get()
  list(@Query() query: unknown): Promise<{ messages: MessageView[] }> {
    return this.messages.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<MessageView> {
    return this.messages.get(id);
  }
}
