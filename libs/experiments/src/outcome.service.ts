import { Injectable } from '@nestjs/common';
import { CatalogQueryService } from '#wayline/catalog';
import { parseInput, ValidationError } from '#wayline/common';
import { findCampaignOrReject } from './campaign-reference.ts';
import { DecisionRepository } from '#wayline/decisioning';
import { OutcomeRepository } from './outcome.repository.ts';
import { outcomeInputSchema } from './outcome.schema.ts';

@Injectable()
export class OutcomeService {
  constructor(
    private readonly outcomes: OutcomeRepository,
    private readonly decisions: DecisionRepository,
    private readonly catalog: CatalogQueryService,
  ) {}

  /** Records a click, visit or conversion against the decision it follows. */
  async record(body: unknown, now = new Date()) {
    const input = parseInput(outcomeInputSchema, body, 'body');

    let decision;
    if (input.decisionId !== undefined) {
      decision = await this.decisions.findById(input.decisionId);
      if (decision === null) {
        throw ValidationError.forField('body.decisionId', `no decision has the id '${input.decisionId}'`);
      }
    } else {
      const campaign = await findCampaignOrReject(this.catalog, input.campaign!, 'body.campaign');
      decision = await this.decisions.findLatestForCampaign(input.customerId!, campaign.id, campaign.holdoutGroup);
      if (decision === null) {
        throw ValidationError.forField(
          'body.customerId',
          `customer '${input.customerId}' has no decision in campaign '${campaign.key}'; an outcome must follow a decision`,
        );
      }
    }

    const occurredAt = input.occurredAt === undefined ? now : new Date(input.occurredAt);
    if (occurredAt < decision.createdAt) {
      throw ValidationError.forField('body.occurredAt', 'must not be before the decision it follows');
    }
    const stored = await this.outcomes.insert({
      decisionId: decision.id,
      customerId: decision.customerId,
      campaignId: decision.campaignId,
      type: input.type,
      value: input.value ?? null,
      occurredAt,
      idempotencyKey: input.idempotencyKey ?? null,
    });
    return { id: stored.id, duplicate: stored.duplicate, decisionId: decision.id, arm: decision.arm, type: input.type };
  }
}
