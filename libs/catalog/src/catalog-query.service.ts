import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '#wayline/common';
import { SignalledCache } from '#wayline/live-store';
import { CampaignRepository } from './campaigns/campaign.repository.ts';
import type { ActiveCampaign, CampaignView } from './campaigns/campaign.view.ts';
import { ChannelRepository } from './channels/channel.repository.ts';
import type { ChannelView } from './channels/channel.view.ts';
import { CatalogChanges } from './shared/catalog-changes.ts';

/**
 * Maximum time a process reuses the catalog it read. A write through this process's
 * catalog services shows at once, and a write by another replica shows when its change
 * message arrives (see CatalogChanges). This bound covers a lost message, a write that
 * bypasses the services, and a campaign whose start or end time passes while the copy is kept.
 */
export const ACTIVE_CAMPAIGNS_CACHE_MS = 1_000;

/**
 * How long past ACTIVE_CAMPAIGNS_CACHE_MS the old copy is still served while one reload runs
 * in the background, so no decision waits for the periodic reload. Only a reload that keeps
 * failing for this long makes callers wait and see its error.
 */
export const ACTIVE_CAMPAIGNS_STALE_MS = 5_000;

/** Read API of the catalog for the decisioning engine, experiments and reports. */
@Injectable()
export class CatalogQueryService {
  private readonly activeCache = new Map<string, SignalledCache<ActiveCampaign[]>>();
  private readonly channelCache: SignalledCache<ReadonlyMap<string, ChannelView>>;

  constructor(
    @Inject(CampaignRepository) private readonly campaigns: CampaignRepository,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(CatalogChanges) private readonly changes: CatalogChanges,
  ) {
    this.channelCache = new SignalledCache(
      this.changes.signal,
      ACTIVE_CAMPAIGNS_CACHE_MS,
      async () => {
        const channels = await this.channels.list({});
        return new Map(channels.map((channel) => [channel.name, channel]));
      },
      Date.now,
      ACTIVE_CAMPAIGNS_STALE_MS,
    );
  }

  /**
   * Returns the campaigns that can run at `now`: active, with `startsAt <= now < endsAt`
   * (an open end always matches), each with its active offers on active channels, or on
   * `channelName` only when it is given. Campaigns left without offers are omitted.
   * Ordered by priority, highest first, then by key in code unit order.
   *
   * For the current time the result is read from memory: it is loaded again after a
   * catalog change and at least every ACTIVE_CAMPAIGNS_CACHE_MS, because reading a large
   * catalog with its offers cost more than the rest of a decision. The periodic reload runs
   * in the background (see ACTIVE_CAMPAIGNS_STALE_MS). Callers must not change the result.
   */
  async findActiveCampaigns(now: Date, channelName?: string): Promise<ActiveCampaign[]> {
    if (Math.abs(now.getTime() - Date.now()) > ACTIVE_CAMPAIGNS_CACHE_MS) {
      return this.campaigns.findActive(now, channelName);
    }
    const key = channelName ?? '';
    let cache = this.activeCache.get(key);
    if (cache === undefined) {
      // The load reads the clock itself, because `now` belongs to the call that missed the cache.
      cache = new SignalledCache(
        this.changes.signal,
        ACTIVE_CAMPAIGNS_CACHE_MS,
        () => this.campaigns.findActive(new Date(), channelName),
        Date.now,
        ACTIVE_CAMPAIGNS_STALE_MS,
      );
      this.activeCache.set(key, cache);
    }
    return cache.get();
  }

  /**
   * Returns the channel with that name, active or not, or null. Read from memory like
   * {@link findActiveCampaigns}, so a decision checks its channel without a query.
   */
  async findChannel(name: string): Promise<ChannelView | null> {
    const channels = await this.channelCache.get();
    return channels.get(name) ?? null;
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
