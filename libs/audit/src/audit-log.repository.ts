import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type AuditLogEntryModel, type Prisma, type PrismaClient } from '#wayline/database';
import type { AuditActor, AuditEntryView } from './audit-entry.ts';

export type TransactionClient = Prisma.TransactionClient;

/** A row to insert; `before` and `after` are already redacted JSON values or null. */
export interface NewAuditEntry {
  actor: AuditActor;
  action: string;
  entityType: string;
  entityKey: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditLogFilter {
  entityType?: string;
  entityKey?: string;
  /** Matches the actor's key id or name. */
  actor?: string;
  since?: Date;
  until?: Date;
  /** Only entries older than this id: the cursor of the previous page. */
  beforeId?: bigint;
}

@Injectable()
export class AuditLogRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Runs `work` in one transaction; pass its client to {@link insert} and to the change's own writes. */
  inTransaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  async insert(tx: TransactionClient, entry: NewAuditEntry): Promise<void> {
    await tx.auditLogEntry.create({
      data: {
        actorKeyId: entry.actor.keyId,
        actorName: entry.actor.name,
        actorRole: entry.actor.role,
        action: entry.action,
        entityType: entry.entityType,
        entityKey: entry.entityKey,
        entityId: entry.entityId,
        before: toJsonColumn(entry.before),
        after: toJsonColumn(entry.after),
        requestId: entry.requestId,
      },
    });
  }

  /** Lists entries newest first (by id, which follows commit order closely enough for paging). */
  async list(filter: AuditLogFilter, limit: number): Promise<AuditEntryView[]> {
    const rows = await this.prisma.auditLogEntry.findMany({
      where: {
        entityType: filter.entityType,
        entityKey: filter.entityKey,
        OR: filter.actor === undefined ? undefined : [{ actorName: filter.actor }, { actorKeyId: filter.actor }],
        occurredAt: { gte: filter.since, lt: filter.until },
        id: filter.beforeId === undefined ? undefined : { lt: filter.beforeId },
      },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map(toView);
  }
}

/** SQL NULL for a missing side of the change; the JSON value otherwise. */
function toJsonColumn(value: unknown): Prisma.InputJsonValue | undefined {
  // Leaving the field undefined stores the column's default, NULL, instead of a JSON null.
  return value === null || value === undefined ? undefined : (value as Prisma.InputJsonValue);
}

function toView(row: AuditLogEntryModel): AuditEntryView {
  return {
    id: row.id.toString(),
    occurredAt: row.occurredAt,
    actor: { keyId: row.actorKeyId, name: row.actorName, role: row.actorRole },
    action: row.action,
    entityType: row.entityType,
    entityKey: row.entityKey,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
  };
}
