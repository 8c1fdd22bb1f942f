import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { OutcomeService } from '#wayline/experiments';

@Controller('v1/outcomes')
@Roles('platform')
export class OutcomesController {
  constructor(private readonly outcomes: OutcomeService) {}

  @Post()
  @HttpCode(201)
  record(@Body() body: unknown) {
    return this.outcomes.record(body);
  }
}
