import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { NotFoundError, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { ChannelRepository } from '../channels/channel.repository.ts';
import type { ChannelView } from '../channels/channel.view.ts';
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
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: OfferService.name });
  }

  /**
   * @throws ValidationError on `channel` when the channel is unknown or inactive.
   * @throws ConflictError when the name is taken.
   */
  async create(input: CreateOfferInput): Promise<OfferView> {
    const channel = await this.requireActiveChannel(input.channel);
    const offer = await this.offers.create({
      name: input.name,
      channelId: channel.id,
      content: input.content,
      value: input.value,
    });
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

    const updated = await this.offers.update(offer.id, {
      channelId: channel?.id,
      content: changes.content,
      value: changes.value,
      active: changes.active,
    });
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
    const updated = await this.offers.update(offer.id, { active: false });
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
