import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '#wayline/common';
import { CampaignRepository } from './campaigns/campaign.repository.ts';
import type { ActiveCampaign, CampaignView } from './campaigns/campaign.view.ts';

/**
 * Longest time a process reuses the active campaigns it read. The catalog's fingerprint is
 * checked on every call, so a change shows at once. This bound covers a campaign whose
 * start or end time passes while the copy is kept.
 */
export const ACTIVE_CAMPAIGNS_CACHE_MS = 1_000;

/** Read API of the catalog for the decisioning engine, experiments and reports. */
@Injectable()
export class CatalogQueryService {
  private readonly activeCache = new Map<string, { fingerprint: string; loadedAt: number; campaigns: ActiveCampaign[] }>();

  constructor(@Inject(CampaignRepository) private readonly campaigns: CampaignRepository) {}

  /**
   * Returns the campaigns that can run at `now`: active, with `startsAt <= now < endsAt`
   * (an open end always matches), each with its active offers on active channels, or on
   * `channelName` only when it is given. Campaigns left without offers are omitted.
   * Ordered by priority, highest first, then by key in code unit order.
   *
   * For the current time the result is shared by the calls of ACTIVE_CAMPAIGNS_CACHE_MS
   * while the catalog's fingerprint stays the same, because reading a large catalog with
   * its offers cost more than the rest of a decision. Callers must not change it.
   */
  async findActiveCampaigns(now: Date, channelName?: string): Promise<ActiveCampaign[]> {
    const wallClock = Date.now();
    if (Math.abs(now.getTime() - wallClock) > ACTIVE_CAMPAIGNS_CACHE_MS) {
      return this.campaigns.findActive(now, channelName);
    }
    const fingerprint = await this.campaigns.catalogFingerprint();
    const key = channelName ?? '';
    const cached = this.activeCache.get(key);
    if (cached !== undefined && cached.fingerprint === fingerprint && wallClock - cached.loadedAt < ACTIVE_CAMPAIGNS_CACHE_MS) {
      return cached.campaigns;
    }
    const campaigns = await this.campaigns.findActive(now, channelName);
    this.activeCache.set(key, { fingerprint, loadedAt: wallClock, campaigns });
    return campaigns;
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
