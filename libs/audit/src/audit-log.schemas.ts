import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-01T10:00:00Z' }).transform((value) => new Date(value));

/** Query of `GET /v1/admin/audit-log`. */
export const auditLogQuerySchema = z
  .strictObject({
    entityType: z.string().min(1).max(64).optional(),
    entityKey: z.string().min(1).max(200).optional(),
    /** An API key's id or name, or a process name such as `cli`. */
    actor: z.string().min(1).max(200).optional(),
    since: isoDateTime.optional(),
    until: isoDateTime.optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be the nextCursor of a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since < query.until, {
    path: ['until'],
    message: 'must be after since',
  });

export type AuditLogQuery = z.output<typeof auditLogQuerySchema>;
