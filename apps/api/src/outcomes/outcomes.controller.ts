import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { OutcomeService } from '#wayline/experiments';

@Controller('v1/outcomes')
export class OutcomesController {
  constructor(private readonly outcomes: OutcomeService) {}

  @Post()
  @HttpCode(201)
  record(@Body() body: unknown) {
    return this.outcomes.record(body);
  }
}
