import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER, ValidationError, type FieldProblem } from '#wayline/common';
import { validateContentTemplates } from '#wayline/delivery';
import { CatalogQueryService } from '../catalog-query.service.ts';
import { OfferRepository } from '../offers/offer.repository.ts';
import { AuditedCatalogWrite } from '../shared/audited-catalog-write.ts';
import { CampaignRepository } from './campaign.repository.ts';
import type { CreateCampaignInput, ListCampaignsQuery, UpdateCampaignInput } from './campaign.schemas.ts';
import type { CampaignView } from './campaign.view.ts';

/** Admin operations on campaigns. Campaigns are deactivated, never deleted. */
@Injectable()
export class CampaignService {
  private readonly logger: Logger;

  constructor(
    @Inject(CampaignRepository) private readonly campaigns: CampaignRepository,
    @Inject(OfferRepository) private readonly offers: OfferRepository,
    @Inject(CatalogQueryService) private readonly catalogQuery: CatalogQueryService,
    @Inject(AuditedCatalogWrite) private readonly audited: AuditedCatalogWrite,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: CampaignService.name });
  }

  /**
   * Creates the campaign with its offers. The holdout group defaults to the key, so a
   * campaign gets its own control group unless it names a shared one.
   *
   * @throws ValidationError on `offers[i]` for an unknown or inactive offer.
   * @throws ConflictError when the key is taken.
   */
  async create(input: CreateCampaignInput): Promise<CampaignView> {
    const offerIds = await this.resolveActiveOffers(input.offers);
    const campaign = await this.audited.save({ action: 'create', entityType: 'campaign', entityKey: byKey, before: null }, (tx) =>
      this.campaigns.create(
        {
          key: input.key,
          name: input.name,
          rule: input.rule,
          applicabilityRule: input.applicabilityRule,
          suitabilityRule: input.suitabilityRule,
          businessLever: input.businessLever,
          contextWeights: input.contextWeights,
          offerBudget: input.offerBudget,
          holdoutShare: input.holdoutShare,
          holdoutGroup: input.holdoutGroup ?? input.key,
          priority: input.priority,
          startsAt: input.startsAt ?? null,
          endsAt: input.endsAt ?? null,
        },
        offerIds,
        tx,
      ),
    );
    this.logger.info({ campaignId: campaign.id, campaign: campaign.key, offers: input.offers }, 'Created campaign');
    return campaign;
  }

  list(query: ListCampaignsQuery): Promise<CampaignView[]> {
    return this.campaigns.list({ active: query.active });
  }

  /**
   * Applies the changes. A new `offers` list replaces the linked offers. A new key leaves
   * the holdout group as it was, so the control group stays the same.
   *
   * @throws NotFoundError when no campaign has that key.
   * @throws ValidationError when the window would end before it starts, or on
   *   `offers[i]` for an unknown or inactive offer.
   * @throws ConflictError when the new key is taken.
   */
  async update(key: string, changes: UpdateCampaignInput): Promise<CampaignView> {
    const campaign = await this.catalogQuery.findCampaignByKey(key);
    this.checkWindowAfterChanges(campaign, changes);
    const { offers, ...fields } = changes;
    const offerIds = offers === undefined ? undefined : await this.resolveActiveOffers(offers);

    const updated = await this.audited.save({ action: 'update', entityType: 'campaign', entityKey: byKey, before: campaign }, (tx) =>
      this.campaigns.update(campaign.id, fields, offerIds, tx),
    );
    this.logger.info({ campaignId: updated.id, campaign: updated.key, changed: Object.keys(changes) }, 'Updated campaign');
    return updated;
  }

  /** @throws NotFoundError when no campaign has that key. */
  async deactivate(key: string): Promise<CampaignView> {
    const campaign = await this.catalogQuery.findCampaignByKey(key);
    const updated = await this.audited.save({ action: 'deactivate', entityType: 'campaign', entityKey: byKey, before: campaign }, (tx) =>
      this.campaigns.update(campaign.id, { active: false }, undefined, tx),
    );
    this.logger.info({ campaignId: updated.id, campaign: updated.key }, 'Deactivated campaign');
    return updated;
  }

  /** Checks a changed end of the window against the stored other end, which the schema cannot see. */
  private checkWindowAfterChanges(campaign: CampaignView, changes: UpdateCampaignInput): void {
    const startsAt = changes.startsAt === undefined ? campaign.startsAt : changes.startsAt;
    const endsAt = changes.endsAt === undefined ? campaign.endsAt : changes.endsAt;
    if (startsAt === null || endsAt === null || endsAt.getTime() > startsAt.getTime()) {
      return;
    }
    if (changes.endsAt !== undefined) {
      throw ValidationError.forField('endsAt', `must be after startsAt (${startsAt.toISOString()})`);
    }
    throw ValidationError.forField('startsAt', `must be before endsAt (${endsAt.toISOString()})`);
  }

  /** Returns the ids of the named offers, in order, or names every unknown or inactive one and every one with an invalid template. */
  private async resolveActiveOffers(names: string[]): Promise<string[]> {
    const found = new Map((await this.offers.findByNames(names)).map((offer) => [offer.name, offer]));
    const problems: FieldProblem[] = [];
    names.forEach((name, index) => {
      const offer = found.get(name);
      if (offer === undefined) {
        problems.push({ path: `offers[${index}]`, message: `offer '${name}' was not found` });
      } else if (!offer.active) {
        problems.push({ path: `offers[${index}]`, message: `offer '${name}' is inactive; reactivate it or leave it out` });
      } else {
        // Offers saved before templates were checked may still contain an invalid one.
        const template = validateContentTemplates(offer.content, offer.requiredAttributes)[0];
        if (template !== undefined) {
          problems.push({ path: `offers[${index}]`, message: `offer '${name}' content.${template.path} ${template.message}; fix the offer first` });
        }
      }
    });
    if (problems.length > 0) {
      throw new ValidationError(problems);
    }
    return names.map((name) => found.get(name)!.id);
  }
}

const byKey = (campaign: CampaignView): string => campaign.key;
