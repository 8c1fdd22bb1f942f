import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { ConflictError, parseInput } from '#wayline/common';
import { CampaignRepository } from './campaigns/campaign.repository.ts';
import { createCampaignSchema } from './campaigns/campaign.schemas.ts';
import { CampaignService } from './campaigns/campaign.service.ts';
import type { CampaignView } from './campaigns/campaign.view.ts';
import { ChannelRepository } from './channels/channel.repository.ts';
import { createChannelSchema } from './channels/channel.schemas.ts';
import { ChannelService } from './channels/channel.service.ts';
import type { ChannelView } from './channels/channel.view.ts';
import { OfferRepository } from './offers/offer.repository.ts';
import { createOfferSchema } from './offers/offer.schemas.ts';
import { OfferService } from './offers/offer.service.ts';
import type { OfferView } from './offers/offer.view.ts';

/** Same fields as `POST /v1/admin/channels`. */
export type EnsureChannelInput = z.input<typeof createChannelSchema>;
/** Same fields as `POST /v1/admin/offers`, where `channel` is the channel's name. */
export type EnsureOfferInput = z.input<typeof createOfferSchema>;
/** Same fields as `POST /v1/admin/campaigns`: offers by name, dates as ISO 8601 strings. */
export type EnsureCampaignInput = z.input<typeof createCampaignSchema>;

/**
 * Idempotent writes for importers and seed scripts: each `ensure` method creates the row
 * when its name or key is free and otherwise returns the stored row unchanged, even when
 * it differs from the input or is inactive. The input is validated either way, with
 * problem paths relative to it (`offers[0]`), and the same rules as the admin API apply
 * on creation.
 */
@Injectable()
export class CatalogService {
  constructor(
    @Inject(ChannelRepository) private readonly channelRows: ChannelRepository,
    @Inject(OfferRepository) private readonly offerRows: OfferRepository,
    @Inject(CampaignRepository) private readonly campaignRows: CampaignRepository,
    @Inject(ChannelService) private readonly channels: ChannelService,
    @Inject(OfferService) private readonly offers: OfferService,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
  ) {}

  async ensureChannel(input: EnsureChannelInput): Promise<ChannelView> {
    const channel = parseInput(createChannelSchema, input);
    return findOrCreate(
      () => this.channelRows.findByName(channel.name),
      () => this.channels.create(channel),
    );
  }

  /** @throws ValidationError on `channel` when creating on an unknown or inactive channel. */
  async ensureOffer(input: EnsureOfferInput): Promise<OfferView> {
    const offer = parseInput(createOfferSchema, input);
    return findOrCreate(
      () => this.offerRows.findByName(offer.name),
      () => this.offers.create(offer),
    );
  }

  /** @throws ValidationError on `offers[i]` when creating with an unknown or inactive offer. */
  async ensureCampaign(input: EnsureCampaignInput): Promise<CampaignView> {
    const campaign = parseInput(createCampaignSchema, input);
    return findOrCreate(
      () => this.campaignRows.findByKey(campaign.key),
      () => this.campaigns.create(campaign),
    );
  }
}

async function findOrCreate<Row>(find: () => Promise<Row | null>, create: () => Promise<Row>): Promise<Row> {
  const existing = await find();
  if (existing !== null) {
    return existing;
  }
  try {
    return await create();
  } catch (error) {
    // Another process inserted the same name between the lookup and the insert.
    if (error instanceof ConflictError) {
      const winner = await find();
      if (winner !== null) {
        return winner;
      }
    }
    throw error;
  }
}
