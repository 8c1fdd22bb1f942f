import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, Prisma, type JourneyModel, type PrismaClient } from '#wayline/database';
import type { JourneyDefinition, JourneyStage } from './journey-definition.ts';
import { journeyStagesSchema } from './journey-definition.schemas.ts';
import { compareCodeUnits } from './placement/journey-placement.ts';

export interface NewJourney {
  key: string;
  name: string;
  priority: number;
  stages: JourneyStage[];
}

export type JourneyChanges = Partial<Omit<NewJourney, 'key'>> & { active?: boolean };

/** Journey definitions. Each is one row with its stages as JSON, so every write is atomic. */
@Injectable()
export class JourneyDefinitionRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findByKey(key: string): Promise<JourneyDefinition | null> {
    const row = await this.prisma.journey.findUnique({ where: { key } });
    return row === null ? null : toJourneyDefinition(row);
  }

  /** Lists journeys by priority, highest first, then by key: the order placement tries them in. */
  async list(filter: { active?: boolean }): Promise<JourneyDefinition[]> {
    const rows = await this.prisma.journey.findMany({ where: { active: filter.active } });
    return rows
      .map(toJourneyDefinition)
      .sort((a, b) => b.priority - a.priority || compareCodeUnits(a.key, b.key));
  }

  /** @throws ConflictError when the key is taken. */
  async create(data: NewJourney, client: Prisma.TransactionClient = this.prisma): Promise<JourneyDefinition> {
    try {
      const row = await client.journey.create({
        data: { ...data, stages: data.stages as unknown as Prisma.InputJsonArray },
      });
      return toJourneyDefinition(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(`Journey '${data.key}' already exists; change it with PATCH or pick another key`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async update(id: string, changes: JourneyChanges, client: Prisma.TransactionClient = this.prisma): Promise<JourneyDefinition> {
    const row = await client.journey.update({
      where: { id },
      data: {
        ...changes,
        stages: changes.stages as unknown as Prisma.InputJsonArray | undefined,
        updatedAt: new Date(),
      },
    });
    return toJourneyDefinition(row);
  }
}

/**
 * Converts a row. Stored stages passed the same schema on the way in, so a row that fails
 * it was edited by hand, and the error names the journey to fix.
 */
function toJourneyDefinition(row: JourneyModel): JourneyDefinition {
  const stages = journeyStagesSchema.safeParse(row.stages);
  if (!stages.success) {
    throw new Error(
      `Stored journey '${row.key}' has invalid stages (${stages.error.issues[0]?.message ?? 'unknown problem'}); ` +
        'replace them with PATCH /v1/admin/journeys/:key',
      { cause: stages.error },
    );
  }
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    priority: row.priority,
    stages: stages.data,
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
