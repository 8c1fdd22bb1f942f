import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, type AuditAction, type AuditTransactionClient } from '#wayline/audit';
import { CatalogChanges } from './catalog-changes.ts';

/** The description of a catalog write in the audit log. */
export interface CatalogChangeDescription<Row> {
  action: AuditAction;
  entityType: 'channel' | 'offer' | 'campaign';
  /** The name or key of the saved row. */
  entityKey: (row: Row) => string;
  /** The row as it was; null on create. */
  before: Row | null;
}

/**
 * Runs a catalog write together with its audit entry in one transaction, then announces
 * the change to every replica. The announcement waits for the commit, so a replica that
 * reloads on it reads the new rows.
 */
@Injectable()
export class AuditedCatalogWrite {
  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(CatalogChanges) private readonly changes: CatalogChanges,
  ) {}

  async save<Row extends { id: string }>(
    change: CatalogChangeDescription<Row>,
    write: (tx: AuditTransactionClient) => Promise<Row>,
  ): Promise<Row> {
    const saved = await this.audit.inTransaction(async (tx) => {
      const after = await write(tx);
      await this.audit.record(tx, {
        action: change.action,
        entityType: change.entityType,
        entityKey: change.entityKey(after),
        entityId: after.id,
        before: change.before,
        after,
      });
      return after;
    });
    await this.changes.announce();
    return saved;
  }
}
