import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import {
  ChannelService,
  createChannelSchema,
  listChannelsQuerySchema,
  updateChannelSchema,
  withProblemPathPrefix,
} from '#wayline/catalog';
import { parseInput } from '#wayline/common';
import { toChannelResponse, type ChannelResponse } from './catalog.responses.ts';

/** Channels and their webhooks. Changing one is an admin task, because a channel contains a webhook URL and signing secret. */
@Controller('v1/admin/channels')
@Roles('marketer', 'analyst')
export class ChannelsController {
  constructor(@Inject(ChannelService) private readonly channels: ChannelService) {}

  @Post()
  @Roles('admin')
  async create(@Body() body: unknown): Promise<ChannelResponse> {
    const input = parseInput(createChannelSchema, body, 'body');
    return toChannelResponse(await withProblemPathPrefix('body', () => this.channels.create(input)));
  }

  @Get()
  async list(@Query() query: unknown): Promise<{ channels: ChannelResponse[] }> {
    const filter = parseInput(listChannelsQuerySchema, query, 'query');
    const channels = await this.channels.list(filter);
    return { channels: channels.map(toChannelResponse) };
  }

  @Get(':name')
  async get(@Param('name') name: string): Promise<ChannelResponse> {
    return toChannelResponse(await this.channels.get(name));
  }

  @Roles('admin')
  @Patch(':name')
  async update(@Param('name') name: string, @Body() body: unknown): Promise<ChannelResponse> {
    const changes = parseInput(updateChannelSchema, body, 'body');
    return toChannelResponse(await withProblemPathPrefix('body', () => this.channels.update(name, changes)));
  }

  /** Deactivates the channel; the row and its history stay. */
  @Roles('admin')
  @Delete(':name')
  @HttpCode(200)
  async deactivate(@Param('name') name: string): Promise<ChannelResponse> {
    return toChannelResponse(await this.channels.deactivate(name));
  }
}
