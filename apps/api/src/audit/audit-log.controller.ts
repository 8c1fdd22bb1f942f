import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { AuditLog, type AuditLogPage } from '#wayline/audit';

@Controller('v1/admin/audit-log')
@Roles('admin')
export class AuditLogController {
  constructor(@Inject(AuditLog) private readonly auditLog: AuditLog) {}

  /** Lists configuration changes newest first, by entity, actor and time, a page at a time. */
  @Get()
  list(@Query() query: unknown): Promise<AuditLogPage> {
    return this.auditLog.list(query);
  }
}
