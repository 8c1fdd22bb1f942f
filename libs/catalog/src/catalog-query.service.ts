import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '#wayline/common';
import { CampaignRepository } from './campaigns/campaign.repository.ts';
import type { ActiveCampaign, CampaignView } from './campaigns/campaign.view.ts';

/** Read API of the catalog for the decisioning engine, experiments and reports. */
@Injectable()
export class CatalogQueryService {
  constructor(@Inject(CampaignRepository) private readonly campaigns: CampaignRepository) {}

  /**
   * Returns the campaigns that can run at `now`: active, with `startsAt <= now < endsAt`
   * (an open end always matches), each with its active offers on active channels, or on
   * `channelName` only when it is given. Campaigns left without offers are omitted.
   * Ordered by priority, highest first, then by key in code unit order.
   */
  findActiveCampaigns(now: Date, channelName?: string): Promise<ActiveCampaign[]> {
    return this.campaigns.findActive(now, channelName);
  }

  /** @throws NotFoundError when no campaign has that key. */
  async findCampaignByKey(key: string): Promise<CampaignView> {
    const campaign = await this.campaigns.findByKey(key);
    if (campaign === null) {
      throw new NotFoundError('Campaign', key);
    }
    return campaign;
  }

  /** Returns every campaign in the holdout group, active or not, ordered by key. */
  findCampaignsByHoldoutGroup(group: string): Promise<CampaignView[]> {
    return this.campaigns.list({ holdoutGroup: group });
  }
}
