import { Module } from '@nestjs/common';
import { AuditLogRepository } from './audit-log.repository.ts';
import { AuditLog } from './audit-log.service.ts';

/**
 * The audit log. Each lib that changes configuration imports this module, and Nest
 * shares its one instance. Needs the global database module that `CoreModule` provides.
 */
@Module({
  providers: [AuditLogRepository, AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
