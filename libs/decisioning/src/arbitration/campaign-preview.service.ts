import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CatalogQueryService, type CampaignView } from '#wayline/catalog';
import { customerIdSchema, parseInput, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { JourneyQueryService } from '#wayline/journeys';
import { contextWeightOf, type ContextWeightResult } from './arbitration.ts';
import { collectPolicyVariables } from './policy-facts.ts';
import { PolicyFactsRepository } from './policy-facts.repository.ts';
import { PolicyFactsService } from './policy-facts.service.ts';
import { compilePolicySteps, evaluatePolicySteps, type PolicyOutcome } from './policy-steps.ts';

/** Customers read and evaluated per page of a preview: bounds the memory a preview holds. */
export const PREVIEW_PAGE_SIZE = 1000;

export const PREVIEW_SAMPLE_LIMITS = { min: 1, max: 100, default: 10 } as const;

export const campaignPreviewSchema = z.strictObject(
  {
    customerId: customerIdSchema.optional(),
    sampleSize: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(PREVIEW_SAMPLE_LIMITS.min, `must be at least ${PREVIEW_SAMPLE_LIMITS.min}`)
      .max(PREVIEW_SAMPLE_LIMITS.max, `must be at most ${PREVIEW_SAMPLE_LIMITS.max}`)
      .default(PREVIEW_SAMPLE_LIMITS.default),
  },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown field ${issue.keys.map((key) => `'${key}'`).join(', ')}; allowed fields: customerId, sampleSize`;
      }
      return issue.code === 'invalid_type' ? 'must be a JSON object with the optional fields customerId and sampleSize' : undefined;
    },
  },
);

export interface CampaignPreview {
  campaign: string;
  /** Whether the campaign is active and its window contains `evaluatedAt`; the rules are evaluated either way. */
  runsNow: boolean;
  evaluatedAt: Date;
  /** Customers whose current state passes all three policy steps. */
  matching: number;
  /** Customers evaluated: every stored customer. */
  evaluated: number;
  /** Ids of the first matching customers in id order, at most `sampleSize`. */
  sample: string[];
  /** The steps for the requested customer, each with its rule trace, and the context weight. */
  customer?: { id: string; contextWeight: ContextWeightResult } & PolicyOutcome;
}

/** Evaluates a campaign's three policy steps over every customer, for marketers to check a rule before it runs. */
@Injectable()
export class CampaignPreviewService {
  private readonly logger: Logger;

  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly facts: PolicyFactsService,
    private readonly customers: PolicyFactsRepository,
    private readonly journeys: JourneyQueryService,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: CampaignPreviewService.name });
  }

  /**
   * Counts the customers that pass the campaign's steps at `now`, samples their ids and,
   * for `customerId`, traces every step. Scans every customer in pages of
   * {@link PREVIEW_PAGE_SIZE} by id, so its time grows linearly with the customer count.
   *
   * @throws NotFoundError when no campaign has the key.
   * @throws ValidationError on `body.*` for bad input or an unknown customer.
   */
  async preview(key: string, body: unknown, now = new Date()): Promise<CampaignPreview> {
    const startedAt = Date.now();
    const input = parseInput(campaignPreviewSchema, body ?? {}, 'body');
    const campaign = await this.catalog.findCampaignByKey(key);
    const variables = collectPolicyVariables([campaign]);
    const passes = compilePolicySteps(campaign);

    const preview: CampaignPreview = {
      campaign: campaign.key,
      runsNow: runsAt(campaign, now),
      evaluatedAt: now,
      matching: 0,
      evaluated: 0,
      sample: [],
    };
    if (input.customerId !== undefined) {
      preview.customer = await this.traceCustomer(campaign, input.customerId, variables, now);
    }

    let afterId: string | null = null;
    for (;;) {
      const page = await this.customers.findCustomerPage(afterId, PREVIEW_PAGE_SIZE);
      if (page.length === 0) {
        break;
      }
      for (const { customerId, facts } of await this.facts.forCustomers(page, variables, now)) {
        if (passes(facts)) {
          preview.matching += 1;
          if (preview.sample.length < input.sampleSize) {
            preview.sample.push(customerId);
          }
        }
      }
      preview.evaluated += page.length;
      afterId = page[page.length - 1]!.id;
      if (page.length < PREVIEW_PAGE_SIZE) {
        break;
      }
    }

    this.logger.info(
      { campaign: campaign.key, evaluated: preview.evaluated, matching: preview.matching, elapsedMs: Date.now() - startedAt },
      'Previewed campaign',
    );
    return preview;
  }

  private async traceCustomer(
    campaign: CampaignView,
    customerId: string,
    variables: ReadonlySet<string>,
    now: Date,
  ): Promise<CampaignPreview['customer']> {
    const customer = await this.customers.findCustomer(customerId);
    if (customer === null) {
      throw ValidationError.forField('body.customerId', `no customer has the id '${customerId}'`);
    }
    const facts = await this.facts.forCustomer(customer, this.journeys.scoresOf(customer, now), variables, now);
    return { id: customerId, ...evaluatePolicySteps(campaign, facts, 'always'), contextWeight: contextWeightOf(campaign, facts) };
  }
}

function runsAt(campaign: CampaignView, now: Date): boolean {
  const started = campaign.startsAt === null || campaign.startsAt.getTime() <= now.getTime();
  const notEnded = campaign.endsAt === null || campaign.endsAt.getTime() > now.getTime();
  return campaign.active && started && notEnded;
}
