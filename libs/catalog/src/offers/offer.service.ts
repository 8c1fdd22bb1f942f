import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { NotFoundError, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { checkContentForKind, validateContentTemplates } from '#wayline/delivery';
import type { JsonValue } from '../rules/eligibility-rule.ts';
import { ChannelRepository } from '../channels/channel.repository.ts';
import type { ChannelView } from '../channels/channel.view.ts';
import { AuditedCatalogWrite } from '../shared/audited-catalog-write.ts';
import { OfferRepository } from './offer.repository.ts';
import type { CreateOfferInput, ListOffersQuery, UpdateOfferInput } from './offer.schemas.ts';
import type { OfferView } from './offer.view.ts';

/**
 * Admin operations on offers. An offer can only be created on, moved to or activated
 * on an active channel. Offers are deactivated, never deleted.
 */
@Injectable()
export class OfferService {
  private readonly logger: Logger;

  constructor(
    @Inject(OfferRepository) private readonly offers: OfferRepository,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(AuditedCatalogWrite) private readonly audited: AuditedCatalogWrite,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: OfferService.name });
  }

  /**
   * @throws ValidationError on `channel` when the channel is unknown or inactive, and on
   *   `content.<field>` for a template that does not parse, uses an unknown variable or an
   *   undeclared attribute, or a field the channel kind needs that is missing.
   * @throws ConflictError when the name is taken.
   */
  async create(input: CreateOfferInput): Promise<OfferView> {
    const channel = await this.requireActiveChannel(input.channel);
    checkContent(input.content, input.requiredAttributes, channel);
    const offer = await this.audited.save({ action: 'create', entityType: 'offer', entityKey: byName, before: null }, (tx) =>
      this.offers.create(
        {
          name: input.name,
          channelId: channel.id,
          content: input.content,
          value: input.value,
          requiredAttributes: input.requiredAttributes,
        },
        tx,
      ),
    );
    this.logger.info({ offerId: offer.id, offer: offer.name, channel: channel.name }, 'Created offer');
    return offer;
  }

  /** Lists offers. An unknown channel name in the filter yields an empty list. */
  list(query: ListOffersQuery): Promise<OfferView[]> {
    return this.offers.list({ channelName: query.channel, active: query.active });
  }

  /** @throws NotFoundError when no offer has that name. */
  async get(name: string): Promise<OfferView> {
    const offer = await this.offers.findByName(name);
    if (offer === null) {
      throw new NotFoundError('Offer', name);
    }
    return offer;
  }

  /**
   * @throws NotFoundError when no offer has that name.
   * @throws ValidationError on `channel` when the new channel is unknown or inactive, or
   *   on `active` when activating an offer whose channel is inactive.
   */
  async update(name: string, changes: UpdateOfferInput): Promise<OfferView> {
    const offer = await this.get(name);
    const channel = changes.channel === undefined ? undefined : await this.requireActiveChannel(changes.channel);
    if (changes.active === true && channel === undefined && !offer.channel.active) {
      throw ValidationError.forField(
        'active',
        `cannot activate an offer on inactive channel '${offer.channel.name}'; reactivate the channel or move the offer with the channel field`,
      );
    }

    if (changes.content !== undefined || changes.requiredAttributes !== undefined || channel !== undefined) {
      const target = channel ?? (await this.channels.findByName(offer.channel.name));
      if (target !== null) {
        checkContent(changes.content ?? offer.content, changes.requiredAttributes ?? offer.requiredAttributes, target);
      }
    }

    const updated = await this.audited.save({ action: 'update', entityType: 'offer', entityKey: byName, before: offer }, (tx) =>
      this.offers.update(
        offer.id,
        {
          channelId: channel?.id,
          content: changes.content,
          value: changes.value,
          requiredAttributes: changes.requiredAttributes,
          active: changes.active,
        },
        tx,
      ),
    );
    this.logger.info({ offerId: updated.id, offer: updated.name, changed: Object.keys(changes) }, 'Updated offer');
    return updated;
  }

  /**
   * Marks the offer inactive. Campaigns keep the link but stop sending the offer.
   *
   * @throws NotFoundError when no offer has that name.
   */
  async deactivate(name: string): Promise<OfferView> {
    const offer = await this.get(name);
    const updated = await this.audited.save({ action: 'deactivate', entityType: 'offer', entityKey: byName, before: offer }, (tx) =>
      this.offers.update(offer.id, { active: false }, tx),
    );
    this.logger.info({ offerId: updated.id, offer: updated.name }, 'Deactivated offer');
    return updated;
  }

  // NOTE: the channel is read before the offer is written, outside a transaction, so a
  // channel deactivated in between still gets the offer. Campaigns skip offers on
  // inactive channels, so such an offer is never sent.
  private async requireActiveChannel(name: string): Promise<ChannelView> {
    const channel = await this.channels.findByName(name);
    if (channel === null) {
      throw ValidationError.forField('channel', `channel '${name}' was not found; create it first`);
    }
    if (!channel.active) {
      throw ValidationError.forField('channel', `channel '${name}' is inactive; reactivate it or choose an active channel`);
    }
    return channel;
  }
}

const byName = (offer: OfferView): string => offer.name;

/**
 * Rejects content whose templates do not parse or name variables outside the allowed
 * ones, and content without the fields the channel kind sends, naming each field.
 */
function checkContent(content: Record<string, JsonValue>, requiredAttributes: string[], channel: ChannelView): void {
  const problems = [...validateContentTemplates(content, requiredAttributes), ...checkContentForKind(channel.kind, content)];
  if (problems.length > 0) {
    throw new ValidationError(problems.map((problem) => ({ path: `content.${problem.path}`, message: problem.message })));
  }
}
