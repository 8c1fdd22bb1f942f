import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from '#wayline/audit';
import { NotFoundError, parseInput, ROOT_LOGGER } from '#wayline/common';
import type { JourneyDefinition } from './journey-definition.ts';
import { JourneyDefinitionRepository, type JourneyChanges } from './journey-definition.repository.ts';
import {
  createJourneySchema,
  journeySlugSchema,
  listJourneysQuerySchema,
  updateJourneySchema,
} from './journey-definition.schemas.ts';

/**
 * Admin operations on journey definitions. Journeys are deactivated, never deleted, because
 * scored events keep their key. The scorer rereads active definitions every few seconds
 * (see JourneyScoringService), so a change places new events within that time.
 */
@Injectable()
export class JourneyDefinitionService {
  private readonly logger: Logger;

  constructor(
    @Inject(JourneyDefinitionRepository) private readonly journeys: JourneyDefinitionRepository,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: JourneyDefinitionService.name });
  }

  /**
   * Validates `body` and creates the journey.
   *
   * @throws ValidationError naming the field under `body`.
   * @throws ConflictError when the key is taken.
   */
  async create(body: unknown): Promise<JourneyDefinition> {
    const input = parseInput(createJourneySchema, body, 'body');
    const journey = await this.audit.inTransaction(async (tx) => {
      const created = await this.journeys.create(input, tx);
      await this.audit.record(tx, { action: 'create', entityType: 'journey', entityKey: created.key, entityId: created.id, before: null, after: created });
      return created;
    });
    this.logger.info({ journeyId: journey.id, journey: journey.key, stages: journey.stages.length }, 'Created journey');
    return journey;
  }

  /** Lists journeys, optionally only active or inactive ones, in placement order. */
  list(query: unknown): Promise<JourneyDefinition[]> {
    const filter = parseInput(listJourneysQuerySchema, query, 'query');
    return this.journeys.list(filter);
  }

  /**
   * Returns the journey, active or not.
   *
   * @throws ValidationError on `path.key` when the key is not a slug.
   * @throws NotFoundError when no journey has that key.
   */
  async get(key: string): Promise<JourneyDefinition> {
    parseInput(journeySlugSchema, key, 'path.key');
    const journey = await this.journeys.findByKey(key);
    if (journey === null) {
      throw new NotFoundError('Journey', key);
    }
    return journey;
  }

  /**
   * Applies the changes; a new `stages` list replaces the old one whole. The key cannot change.
   *
   * @throws ValidationError naming the field under `body`.
   * @throws NotFoundError when no journey has that key.
   */
  async update(key: string, body: unknown): Promise<JourneyDefinition> {
    const { key: _ignoredKey, ...changes } = parseInput(updateJourneySchema, body, 'body');
    const journey = await this.get(key);
    const updated = await this.saveChanges(journey, changes, 'update');
    this.logger.info({ journeyId: updated.id, journey: updated.key, changed: Object.keys(changes) }, 'Updated journey');
    return updated;
  }

  /** @throws NotFoundError when no journey has that key. */
  async deactivate(key: string): Promise<JourneyDefinition> {
    const journey = await this.get(key);
    const updated = await this.saveChanges(journey, { active: false }, 'deactivate');
    this.logger.info({ journeyId: updated.id, journey: updated.key }, 'Deactivated journey');
    return updated;
  }

  /** Writes the changes and their audit entry in one transaction. */
  private saveChanges(journey: JourneyDefinition, changes: JourneyChanges, action: 'update' | 'deactivate'): Promise<JourneyDefinition> {
    return this.audit.inTransaction(async (tx) => {
      const updated = await this.journeys.update(journey.id, changes, tx);
      await this.audit.record(tx, { action, entityType: 'journey', entityKey: journey.key, entityId: journey.id, before: journey, after: updated });
      return updated;
    });
  }
}
