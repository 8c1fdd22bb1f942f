import type { Prisma } from '#wayline/database';

/** One API key change, in the shape of the audit log's entries. */
export interface ApiKeyAuditChange {
  action: 'create' | 'rotate' | 'revoke';
  entityType: 'api-key';
  /** The key's name. */
  entityKey: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/**
 * Records API key changes in the transaction of the change. The audit log (libs/audit)
 * fits this shape. It is bound from outside with {@link AccessModule.withAuditLog},
 * because the audit lib reads the principal from this lib and a direct import would be
 * circular.
 */
export interface ApiKeyAuditRecorder {
  record(transaction: Prisma.TransactionClient, change: ApiKeyAuditChange): Promise<void>;
}

/** Nest injection token of the {@link ApiKeyAuditRecorder}; without a provider, key changes are only logged. */
export const API_KEY_AUDIT = Symbol('API_KEY_AUDIT');
