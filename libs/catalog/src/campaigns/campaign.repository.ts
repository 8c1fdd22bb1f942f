import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { Prisma, PRISMA, type PrismaClient } from '#wayline/database';
import type { EligibilityRule, JsonValue } from '../rules/eligibility-rule.ts';
import { CatalogChanges } from '../shared/catalog-changes.ts';
import { compareCodeUnits } from '../shared/compare.ts';
import { isUniqueViolation } from '../shared/prisma-errors.ts';
import type { ContextWeight, OfferBudget } from './campaign-policy.schemas.ts';
import type { ActiveCampaign, CampaignPolicy, CampaignView } from './campaign.view.ts';

export interface NewCampaign extends CampaignPolicy {
  key: string;
  name: string;
  holdoutShare: number;
  holdoutGroup: string;
  priority: number;
  startsAt: Date | null;
  endsAt: Date | null;
}

export type CampaignChanges = Partial<NewCampaign> & { active?: boolean };

const withOffers = {
  offers: { include: { offer: { select: { id: true, name: true, active: true } } } },
} satisfies Prisma.CampaignInclude;

type CampaignRow = Prisma.CampaignGetPayload<{ include: typeof withOffers }>;

@Injectable()
export class CampaignRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CatalogChanges) private readonly changes: CatalogChanges,
  ) {}

  async findByKey(key: string): Promise<CampaignView | null> {
    const row = await this.prisma.campaign.findUnique({ where: { key }, include: withOffers });
    return row === null ? null : toCampaignView(row);
  }

  /** Lists campaigns ordered by key, optionally by active flag and holdout group. */
  async list(filter: { active?: boolean; holdoutGroup?: string }): Promise<CampaignView[]> {
    const rows = await this.prisma.campaign.findMany({
      where: { active: filter.active, holdoutGroup: filter.holdoutGroup },
      include: withOffers,
    });
    return rows.map(toCampaignView).sort((a, b) => compareCodeUnits(a.key, b.key));
  }

  /**
   * Inserts the campaign and its offer links. Prisma runs a nested write as one
   * transaction, so a failure leaves neither behind. With a caller's transaction
   * `client`, the caller announces the change through CatalogChanges after the commit.
   *
   * @throws ConflictError when the key is taken.
   */
  async create(data: NewCampaign, offerIds: string[], client?: Prisma.TransactionClient): Promise<CampaignView> {
    try {
      const row = await (client ?? this.prisma).campaign.create({
        data: {
          ...toCampaignColumns(data),
          rule: data.rule as Prisma.InputJsonValue,
          offers: { createMany: { data: offerIds.map((offerId) => ({ offerId })) } },
        },
        include: withOffers,
      });
      if (client === undefined) {
        await this.changes.announce();
      }
      return toCampaignView(row);
    } catch (error) {
      throw translateKeyConflict(error, data.key);
    }
  }

  /**
   * Applies `changes` and, when `offerIds` is given, replaces the linked offers with
   * exactly those, in one transaction: the caller's `client`, or a new one. With a
   * caller's transaction, the caller announces the change after the commit.
   *
   * @throws ConflictError when `changes.key` is taken.
   */
  async update(id: string, changes: CampaignChanges, offerIds?: string[], client?: Prisma.TransactionClient): Promise<CampaignView> {
    const write = async (tx: Prisma.TransactionClient): Promise<CampaignView> => {
      // Updating the campaign row first, on every call, locks it. A concurrent update of the
      // same campaign then waits here instead of interleaving its delete and insert of the links.
      await tx.campaign.update({
        where: { id },
        data: { ...toCampaignColumns(changes), updatedAt: new Date() },
      });
      if (offerIds !== undefined) {
        await tx.campaignOffer.deleteMany({ where: { campaignId: id } });
        await tx.campaignOffer.createMany({ data: offerIds.map((offerId) => ({ campaignId: id, offerId })) });
      }
      return toCampaignView(await tx.campaign.findUniqueOrThrow({ where: { id }, include: withOffers }));
    };
    try {
      if (client !== undefined) {
        return await write(client);
      }
      const campaign = await this.prisma.$transaction(write);
      await this.changes.announce();
      return campaign;
    } catch (error) {
      throw translateKeyConflict(error, changes.key);
    }
  }

  /**
   * Finds active campaigns whose window contains `now` (start inclusive, end exclusive),
   * each with its active offers on active channels, restricted to `channelName` when
   * given. Campaigns left without offers are omitted. Ordered by priority, highest
   * first, then by key.
   */
  async findActive(now: Date, channelName?: string): Promise<ActiveCampaign[]> {
    const sendableOffer = {
      active: true,
      channel: channelName === undefined ? { active: true } : { active: true, name: channelName },
    } satisfies Prisma.OfferWhereInput;
    const rows = await this.prisma.campaign.findMany({
      where: {
        active: true,
        AND: [
          { OR: [{ startsAt: null }, { startsAt: { lte: now } }] },
          { OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
        ],
        offers: { some: { offer: sendableOffer } },
      },
      include: {
        offers: { where: { offer: sendableOffer }, include: { offer: { include: { channel: true } } } },
      },
    });

    const campaigns: ActiveCampaign[] = rows.map((row) => ({
      id: row.id,
      key: row.key,
      name: row.name,
      ...toCampaignPolicy(row),
      holdoutShare: row.holdoutShare,
      holdoutGroup: row.holdoutGroup,
      priority: row.priority,
      offers: row.offers
        .map(({ offer }) => ({
          id: offer.id,
          name: offer.name,
          value: offer.value,
          content: offer.content as Record<string, JsonValue>,
          channel: { id: offer.channel.id, name: offer.channel.name, webhookUrl: offer.channel.webhookUrl },
        }))
        .sort((a, b) => compareCodeUnits(a.name, b.name)),
    }));
    return campaigns.sort((a, b) => b.priority - a.priority || compareCodeUnits(a.key, b.key));
  }
}

function translateKeyConflict(error: unknown, key: string | undefined): unknown {
  if (key !== undefined && isUniqueViolation(error, 'Campaign')) {
    return new ConflictError(`Campaign '${key}' already exists; change it with PATCH or pick another key`, { cause: error });
  }
  return error;
}

function toCampaignView(row: CampaignRow): CampaignView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    ...toCampaignPolicy(row),
    holdoutShare: row.holdoutShare,
    holdoutGroup: row.holdoutGroup,
    priority: row.priority,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    active: row.active,
    offers: row.offers.map(({ offer }) => offer).sort((a, b) => compareCodeUnits(a.name, b.name)),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type PolicyColumns = Pick<
  Prisma.CampaignUncheckedCreateInput,
  'rule' | 'applicabilityRule' | 'suitabilityRule' | 'contextWeights' | 'offerBudget'
>;

type JsonPolicyField = 'rule' | 'applicabilityRule' | 'suitabilityRule' | 'contextWeights' | 'offerBudget';

/**
 * Maps the JSON fields of a campaign to Prisma's input types and keeps the others. A null
 * rule or budget is stored as SQL NULL.
 */
function toCampaignColumns<T extends Partial<CampaignPolicy>>(campaign: T): Omit<T, JsonPolicyField> & Partial<PolicyColumns> {
  const { rule, applicabilityRule, suitabilityRule, contextWeights, offerBudget, ...columns } = campaign;
  return { ...columns, ...toPolicyColumns({ rule, applicabilityRule, suitabilityRule, contextWeights, offerBudget }) };
}

function toPolicyColumns(policy: Partial<CampaignPolicy>): Partial<PolicyColumns> {
  const columns: Partial<PolicyColumns> = {};
  if (policy.rule !== undefined) {
    columns.rule = policy.rule as Prisma.InputJsonValue;
  }
  if (policy.applicabilityRule !== undefined) {
    columns.applicabilityRule = nullableJson(policy.applicabilityRule);
  }
  if (policy.suitabilityRule !== undefined) {
    columns.suitabilityRule = nullableJson(policy.suitabilityRule);
  }
  if (policy.contextWeights !== undefined) {
    columns.contextWeights = policy.contextWeights as unknown as Prisma.InputJsonValue;
  }
  if (policy.offerBudget !== undefined) {
    columns.offerBudget = nullableJson(policy.offerBudget as unknown as JsonValue | null);
  }
  return columns;
}

function nullableJson(value: JsonValue | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

function toCampaignPolicy(row: {
  rule: Prisma.JsonValue;
  applicabilityRule: Prisma.JsonValue;
  suitabilityRule: Prisma.JsonValue;
  businessLever: number;
  contextWeights: Prisma.JsonValue;
  offerBudget: Prisma.JsonValue;
}): CampaignPolicy {
  return {
    rule: row.rule as EligibilityRule,
    applicabilityRule: row.applicabilityRule as EligibilityRule | null,
    suitabilityRule: row.suitabilityRule as EligibilityRule | null,
    businessLever: row.businessLever,
    contextWeights: row.contextWeights as unknown as ContextWeight[],
    offerBudget: row.offerBudget as unknown as OfferBudget | null,
  };
}
