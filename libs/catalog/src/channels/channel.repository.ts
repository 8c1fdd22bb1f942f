import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, type ChannelModel, type Prisma, type PrismaClient } from '#wayline/database';
import { CatalogChanges } from '../shared/catalog-changes.ts';
import { compareCodeUnits } from '../shared/compare.ts';
import { isUniqueViolation } from '../shared/prisma-errors.ts';
import type { ChannelKind } from '#wayline/delivery';
import type { ChannelView } from './channel.view.ts';

export interface NewChannel {
  name: string;
  webhookUrl: string;
  kind: ChannelKind;
  signingSecret?: string;
  timeoutMs?: number;
  recipientAttribute?: string | null;
}

export interface ChannelChanges {
  webhookUrl?: string;
  active?: boolean;
  kind?: ChannelKind;
  signingSecret?: string | null;
  timeoutMs?: number | null;
  recipientAttribute?: string | null;
}

@Injectable()
export class ChannelRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CatalogChanges) private readonly changes: CatalogChanges,
  ) {}

  async findByName(name: string): Promise<ChannelView | null> {
    const row = await this.prisma.channel.findUnique({ where: { name } });
    return row === null ? null : toChannelView(row);
  }

  /** Lists channels ordered by name, optionally only active or only inactive ones. */
  async list(filter: { active?: boolean }): Promise<ChannelView[]> {
    const rows = await this.prisma.channel.findMany({ where: { active: filter.active } });
    return rows.map(toChannelView).sort((a, b) => compareCodeUnits(a.name, b.name));
  }

  /**
   * Inserts the channel. With a caller's transaction `client`, the caller announces the
   * change through CatalogChanges after the commit.
   *
   * @throws ConflictError when the name is taken.
   */
  async create(data: NewChannel, client?: Prisma.TransactionClient): Promise<ChannelView> {
    try {
      const row = await (client ?? this.prisma).channel.create({ data });
      if (client === undefined) {
        await this.changes.announce();
      }
      return toChannelView(row);
    } catch (error) {
      if (isUniqueViolation(error, 'Channel')) {
        throw new ConflictError(`Channel '${data.name}' already exists; change it with PATCH or pick another name`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Fields set to null are cleared; fields left undefined keep their value. With a
   * caller's transaction `client`, the caller announces the change after the commit.
   */
  async update(id: string, data: ChannelChanges, client?: Prisma.TransactionClient): Promise<ChannelView> {
    const row = await (client ?? this.prisma).channel.update({ where: { id }, data });
    if (client === undefined) {
      await this.changes.announce();
    }
    return toChannelView(row);
  }
}

function toChannelView(row: ChannelModel): ChannelView {
  return {
    id: row.id,
    name: row.name,
    webhookUrl: row.webhookUrl,
    active: row.active,
    kind: row.kind as ChannelKind,
    hasSigningSecret: row.signingSecret !== null,
    timeoutMs: row.timeoutMs,
    recipientAttribute: row.recipientAttribute,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
