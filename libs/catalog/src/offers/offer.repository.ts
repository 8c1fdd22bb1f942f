import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, type ChannelModel, type OfferModel, type Prisma, type PrismaClient } from '#wayline/database';
import type { JsonValue } from '../rules/eligibility-rule.ts';
import { CatalogChanges } from '../shared/catalog-changes.ts';
import { compareCodeUnits } from '../shared/compare.ts';
import { isUniqueViolation } from '../shared/prisma-errors.ts';
import type { OfferView } from './offer.view.ts';

export interface NewOffer {
  name: string;
  channelId: string;
  content: Record<string, JsonValue>;
  value: number;
  requiredAttributes: string[];
}

export interface OfferChanges {
  channelId?: string;
  content?: Record<string, JsonValue>;
  value?: number;
  requiredAttributes?: string[];
  active?: boolean;
}

const withChannel = { channel: true } as const;

@Injectable()
export class OfferRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CatalogChanges) private readonly changes: CatalogChanges,
  ) {}

  async findByName(name: string): Promise<OfferView | null> {
    const row = await this.prisma.offer.findUnique({ where: { name }, include: withChannel });
    return row === null ? null : toOfferView(row);
  }

  async findByNames(names: string[]): Promise<OfferView[]> {
    const rows = await this.prisma.offer.findMany({ where: { name: { in: names } }, include: withChannel });
    return rows.map(toOfferView);
  }

  /** Lists offers ordered by name, optionally on one channel and by active flag. */
  async list(filter: { channelName?: string; active?: boolean }): Promise<OfferView[]> {
    const rows = await this.prisma.offer.findMany({
      where: {
        active: filter.active,
        channel: filter.channelName === undefined ? undefined : { name: filter.channelName },
      },
      include: withChannel,
    });
    return rows.map(toOfferView).sort((a, b) => compareCodeUnits(a.name, b.name));
  }

  /**
   * Inserts the offer. With a caller's transaction `client`, the caller announces the
   * change through CatalogChanges after the commit.
   *
   * @throws ConflictError when the name is taken.
   */
  async create(data: NewOffer, client?: Prisma.TransactionClient): Promise<OfferView> {
    try {
      const row = await (client ?? this.prisma).offer.create({
        data: { ...data, content: data.content as Prisma.InputJsonObject },
        include: withChannel,
      });
      if (client === undefined) {
        await this.changes.announce();
      }
      return toOfferView(row);
    } catch (error) {
      if (isUniqueViolation(error, 'Offer')) {
        throw new ConflictError(`Offer '${data.name}' already exists; change it with PATCH or pick another name`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** With a caller's transaction `client`, the caller announces the change through CatalogChanges after the commit. */
  async update(id: string, changes: OfferChanges, client?: Prisma.TransactionClient): Promise<OfferView> {
    const row = await (client ?? this.prisma).offer.update({
      where: { id },
      data: { ...changes, content: changes.content as Prisma.InputJsonObject | undefined },
      include: withChannel,
    });
    if (client === undefined) {
      await this.changes.announce();
    }
    return toOfferView(row);
  }
}

function toOfferView(row: OfferModel & { channel: ChannelModel }): OfferView {
  return {
    id: row.id,
    name: row.name,
    channel: { id: row.channel.id, name: row.channel.name, active: row.channel.active },
    content: row.content as Record<string, JsonValue>,
    value: row.value,
    requiredAttributes: Array.isArray(row.requiredAttributes) ? (row.requiredAttributes as string[]) : [],
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
