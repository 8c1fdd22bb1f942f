import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { NotFoundError, ROOT_LOGGER } from '#wayline/common';
import { ChannelRepository } from './channel.repository.ts';
import type { CreateChannelInput, ListChannelsQuery, UpdateChannelInput } from './channel.schemas.ts';
import type { ChannelView } from './channel.view.ts';

/** Admin operations on delivery channels. Channels are deactivated, never deleted. */
@Injectable()
export class ChannelService {
  private readonly logger: Logger;

  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ChannelService.name });
  }

  /** @throws ConflictError when the name is taken. */
  async create(input: CreateChannelInput): Promise<ChannelView> {
    const channel = await this.channels.create(input);
    this.logger.info({ channelId: channel.id, channel: channel.name }, 'Created channel');
    return channel;
  }

  list(query: ListChannelsQuery): Promise<ChannelView[]> {
    return this.channels.list({ active: query.active });
  }

  /** @throws NotFoundError when no channel has that name. */
  async get(name: string): Promise<ChannelView> {
    const channel = await this.channels.findByName(name);
    if (channel === null) {
      throw new NotFoundError('Channel', name);
    }
    return channel;
  }

  /** @throws NotFoundError when no channel has that name. */
  async update(name: string, changes: UpdateChannelInput): Promise<ChannelView> {
    const channel = await this.get(name);
    const updated = await this.channels.update(channel.id, changes);
    this.logger.info({ channelId: updated.id, channel: updated.name, changed: Object.keys(changes) }, 'Updated channel');
    return updated;
  }

  /**
   * Marks the channel inactive. Its offers stay as they are, but no campaign sends them
   * until the channel is active again.
   *
   * @throws NotFoundError when no channel has that name.
   */
  async deactivate(name: string): Promise<ChannelView> {
    const channel = await this.get(name);
    const updated = await this.channels.update(channel.id, { active: false });
    this.logger.info({ channelId: updated.id, channel: updated.name }, 'Deactivated channel');
    return updated;
  }
}
