export * from './audit-entry.ts';
export * from './audit-actor.ts';
export * from './audit-log.service.ts';
export * from './audit-log.schemas.ts';
export * from './audit.module.ts';
export { REDACTED, redactSecrets } from './redact-secrets.ts';
export type { TransactionClient as AuditTransactionClient } from './audit-log.repository.ts';
