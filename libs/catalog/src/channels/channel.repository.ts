import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, type ChannelModel, type PrismaClient } from '#wayline/database';
import { compareCodeUnits } from '../shared/compare.ts';
import { isUniqueViolation } from '../shared/prisma-errors.ts';
import type { ChannelView } from './channel.view.ts';

@Injectable()
export class ChannelRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findByName(name: string): Promise<ChannelView | null> {
    const row = await this.prisma.channel.findUnique({ where: { name } });
    return row === null ? null : toChannelView(row);
  }

  /** Lists channels ordered by name, optionally only active or only inactive ones. */
  async list(filter: { active?: boolean }): Promise<ChannelView[]> {
    const rows = await this.prisma.channel.findMany({ where: { active: filter.active } });
    return rows.map(toChannelView).sort((a, b) => compareCodeUnits(a.name, b.name));
  }

  /** @throws ConflictError when the name is taken. */
  async create(data: { name: string; webhookUrl: string }): Promise<ChannelView> {
    try {
      return toChannelView(await this.prisma.channel.create({ data }));
    } catch (error) {
      if (isUniqueViolation(error, 'Channel')) {
        throw new ConflictError(`Channel '${data.name}' already exists; change it with PATCH or pick another name`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async update(id: string, data: { webhookUrl?: string; active?: boolean }): Promise<ChannelView> {
    return toChannelView(await this.prisma.channel.update({ where: { id }, data }));
  }
}

function toChannelView(row: ChannelModel): ChannelView {
  return {
    id: row.id,
    name: row.name,
    webhookUrl: row.webhookUrl,
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
