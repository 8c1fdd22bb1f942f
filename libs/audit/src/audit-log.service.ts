import { Inject, Injectable } from '@nestjs/common';
import { currentRequestContext } from '#wayline/access';
import { parseInput } from '#wayline/common';
import { currentAuditActor } from './audit-actor.ts';
import type { AuditChange, AuditEntryView } from './audit-entry.ts';
import { AuditLogRepository, type TransactionClient } from './audit-log.repository.ts';
import { auditLogQuerySchema } from './audit-log.schemas.ts';
import { redactSecrets } from './redact-secrets.ts';

/** A page of audit entries; `nextCursor` is null on the last page. */
export interface AuditLogPage {
  entries: AuditEntryView[];
  nextCursor: string | null;
}

/**
 * The audit log of configuration changes. A service records each change with the
 * transaction client of the change itself, so the entry commits or rolls back with it:
 *
 *     await audit.inTransaction(async (tx) => {
 *       const after = await rows.update(id, changes, tx);
 *       await audit.record(tx, { action: 'update', entityType: 'channel', entityKey: name, before, after });
 *       return after;
 *     });
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(AuditLogRepository) private readonly entries: AuditLogRepository) {}

  /** Runs `work` in one database transaction, whose client goes to {@link record} and to the change's writes. */
  inTransaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.entries.inTransaction(work);
  }

  /**
   * Inserts an entry for `change` in transaction `tx`. The actor is the request's API
   * key, or the process outside a request; secrets in `before` and `after` are redacted.
   */
  async record(tx: TransactionClient, change: AuditChange): Promise<void> {
    await this.entries.insert(tx, {
      actor: currentAuditActor(),
      action: change.action,
      entityType: change.entityType,
      entityKey: change.entityKey,
      entityId: change.entityId ?? null,
      before: redactSecrets(change.before, change.entityType),
      after: redactSecrets(change.after, change.entityType),
      requestId: currentRequestContext()?.requestId ?? null,
    });
  }

  /**
   * Lists entries newest first, filtered by entity, actor and time.
   *
   * @throws ValidationError on the query field that is invalid.
   */
  async list(rawQuery: unknown): Promise<AuditLogPage> {
    const query = parseInput(auditLogQuerySchema, rawQuery ?? {}, 'query');
    const entries = await this.entries.list(
      {
        entityType: query.entityType,
        entityKey: query.entityKey,
        actor: query.actor,
        since: query.since,
        until: query.until,
        beforeId: query.cursor === undefined ? undefined : BigInt(query.cursor),
      },
      query.limit,
    );
    const last = entries.at(-1);
    return { entries, nextCursor: entries.length === query.limit && last !== undefined ? last.id : null };
  }
}
