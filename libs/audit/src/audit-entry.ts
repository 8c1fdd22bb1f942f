/** Actions an audit entry records. */
export const AUDIT_ACTIONS = ['create', 'update', 'deactivate', 'delete', 'retry', 'revoke', 'rotate'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One change, as the service that made it describes it to {@link AuditLog.record}. */
export interface AuditChange {
  action: AuditAction;
  /** Kind of entity, such as `channel`, `offer`, `campaign` or `api-key`. */
  entityType: string;
  /** The name or key the API addresses the entity by. */
  entityKey: string;
  entityId?: string;
  /** The entity as it was; null on create. */
  before: unknown;
  /** The entity as saved; null on delete. */
  after: unknown;
}

/** The maker of a change: an API key inside a request, otherwise the process (`cli`, `system`). */
export interface AuditActor {
  keyId: string | null;
  name: string;
  role: string | null;
}

/** A stored audit entry, as the admin API returns it. */
export interface AuditEntryView {
  /** Decimal string of the row's sequence number; entries are listed newest first by it. */
  id: string;
  occurredAt: Date;
  actor: AuditActor;
  action: string;
  entityType: string;
  entityKey: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}
