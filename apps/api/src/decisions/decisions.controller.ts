import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { DecisionQueryService, type StoredDecisionView } from '#wayline/decisioning';

/** Stored decisions, read back for audits of why a customer got an offer. */
@Controller('v1/decisions')
@Roles('marketer', 'analyst')
export class DecisionsController {
  constructor(@Inject(DecisionQueryService) private readonly decisions: DecisionQueryService) {}

  @Get(':decisionId')
  get(@Param('decisionId') decisionId: string): Promise<StoredDecisionView> {
    return this.decisions.get(decisionId);
  }
}
