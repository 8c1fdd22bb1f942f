import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { DeadLetterService, type DeadLetter } from '#wayline/delivery';

/** A dead letter with dates as ISO 8601 strings. */
export interface DeadLetterResponse extends Omit<DeadLetter, 'sendAt' | 'failedAt'> {
  sendAt: string;
  failedAt: string;
}

@Controller('v1/admin/dead-letters')
@Roles('marketer', 'analyst')
export class DeadLettersController {
  constructor(@Inject(DeadLetterService) private readonly deadLetters: DeadLetterService) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ deadLetters: DeadLetterResponse[]; nextCursor: string | null }> {
    const page = await this.deadLetters.list(query);
    return { deadLetters: page.deadLetters.map(toDeadLetterResponse), nextCursor: page.nextCursor };
  }

  /** Requeues every dead letter matching the body's ids, channel and campaign. */
  @Post('retry')
  @Roles('admin')
  @HttpCode(200)
  retryMany(@Body() body: unknown): Promise<{ retried: number; ids: string[] }> {
    return this.deadLetters.retryMany(body);
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(200)
  retry(@Param('id') id: string): Promise<{ id: string; status: 'pending' }> {
    return this.deadLetters.retry(id);
  }
}

function toDeadLetterResponse(deadLetter: DeadLetter): DeadLetterResponse {
  return { ...deadLetter, sendAt: deadLetter.sendAt.toISOString(), failedAt: deadLetter.failedAt.toISOString() };
}
