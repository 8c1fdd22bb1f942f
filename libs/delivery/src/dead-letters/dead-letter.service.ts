import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuditLog } from '#wayline/audit';
import { ConflictError, NotFoundError, parseInput, ROOT_LOGGER, UUID_PATTERN, uuidSchema, ValidationError } from '#wayline/common';
import { DeadLetterRepository, type DeadLetter, type DeadLetterCursor, type DeadLetterFilter } from './dead-letter.repository.ts';

const nameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1 to 64 lowercase letters, digits, "-" or "_"');
const messageIdSchema = uuidSchema('an outreach message id');

export const listDeadLettersQuerySchema = z.strictObject({
  channel: nameSchema.optional(),
  campaign: nameSchema.optional(),
  limit: z.coerce
    .number({ message: 'must be a number from 1 to 200' })
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(200, 'must be the nextCursor of a previous page').optional(),
});

/** Retries the dead letters that match every given field; `all: true` retries every one. */
export const retryDeadLettersSchema = z
  .strictObject({
    ids: z.array(messageIdSchema).min(1, 'must list at least one id').max(1000, 'must list at most 1,000 ids').optional(),
    channel: nameSchema.optional(),
    campaign: nameSchema.optional(),
    all: z.literal(true, { error: 'must be true, to retry every dead letter' }).optional(),
  })
  .refine(
    (body) => body.all === true || body.ids !== undefined || body.channel !== undefined || body.campaign !== undefined,
    'must contain ids, channel or campaign, or "all": true to retry every dead letter',
  );

export interface DeadLetterPage {
  deadLetters: DeadLetter[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * Dead letters: outreach messages parked as `failed` after a permanent failure or their
 * last attempt. Retrying one puts it back to pending with a fresh attempt count, so the
 * delivery worker sends it on its next tick.
 */
@Injectable()
export class DeadLetterService {
  private readonly logger: Logger;

  constructor(
    @Inject(DeadLetterRepository) private readonly repository: DeadLetterRepository,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: DeadLetterService.name });
  }

  /** @throws ValidationError on `query.channel`, `query.campaign` or `query.cursor` when unknown or malformed. */
  async list(query: unknown): Promise<DeadLetterPage> {
    const input = parseInput(listDeadLettersQuerySchema, query, 'query');
    const filter = await this.resolveFilter(input, 'query');
    const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor);
    // Reading one row more than the page shows whether another page follows.
    const rows = await this.repository.list(filter, input.limit + 1, cursor);
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return { deadLetters: page, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
  }

  /**
   * Requeues one dead letter.
   *
   * @throws NotFoundError when no outreach message has that id.
   * @throws ConflictError when the message is not failed.
   */
  async retry(id: string, now = new Date()): Promise<{ id: string; status: 'pending' }> {
    parseInput(messageIdSchema, id, 'path.id');
    const requeued = await this.requeueAudited({ ids: [id] }, now, id);
    if (requeued.length === 0) {
      const status = await this.repository.findStatus(id);
      if (status === null) {
        throw new NotFoundError('Outreach message', id);
      }
      throw new ConflictError(`Outreach message '${id}' is ${status}, not failed, so it cannot be retried as a dead letter`);
    }
    this.logger.info({ messageId: id }, 'Requeued a dead letter');
    return { id, status: 'pending' };
  }

  /** Requeues every dead letter that matches the body. Ids that are not failed are left out of the result. */
  async retryMany(body: unknown, now = new Date()): Promise<{ retried: number; ids: string[] }> {
    const input = parseInput(retryDeadLettersSchema, body, 'body');
    const filter = await this.resolveFilter(input, 'body');
    const ids = await this.requeueAudited({ ...filter, ids: input.ids }, now, describeSelection(input));
    this.logger.info({ retried: ids.length, channelId: filter.channelId, campaignId: filter.campaignId }, 'Requeued dead letters');
    return { retried: ids.length, ids };
  }

  /**
   * Requeues the matching dead letters and, when any were requeued, records one audit
   * entry that lists their ids, in the same transaction.
   */
  private requeueAudited(filter: DeadLetterFilter & { ids?: string[] }, now: Date, entityKey: string): Promise<string[]> {
    return this.audit.inTransaction(async (tx) => {
      const ids = await this.repository.requeue(filter, now, tx);
      if (ids.length > 0) {
        await this.audit.record(tx, {
          action: 'retry',
          entityType: 'dead-letter',
          entityKey,
          before: { status: 'failed', ids },
          after: { status: 'pending', attempts: 0, ids },
        });
      }
      return ids;
    });
  }

  private async resolveFilter(input: { channel?: string; campaign?: string }, prefix: 'query' | 'body'): Promise<DeadLetterFilter> {
    const filter: DeadLetterFilter = {};
    if (input.channel !== undefined) {
      const channelId = await this.repository.findChannelId(input.channel);
      if (channelId === null) {
        throw ValidationError.forField(`${prefix}.channel`, `no channel is named '${input.channel}'`);
      }
      filter.channelId = channelId;
    }
    if (input.campaign !== undefined) {
      const campaignId = await this.repository.findCampaignId(input.campaign);
      if (campaignId === null) {
        throw ValidationError.forField(`${prefix}.campaign`, `no campaign has the key '${input.campaign}'`);
      }
      filter.campaignId = campaignId;
    }
    return filter;
  }
}

/** Names the dead letters a retry request selected, such as `channel=email,campaign=spring-sale`, for its audit entry. */
function describeSelection(input: { ids?: string[]; channel?: string; campaign?: string; all?: true }): string {
  const parts: string[] = [];
  if (input.ids !== undefined) {
    parts.push(`ids=${input.ids.length}`);
  }
  if (input.channel !== undefined) {
    parts.push(`channel=${input.channel}`);
  }
  if (input.campaign !== undefined) {
    parts.push(`campaign=${input.campaign}`);
  }
  return parts.length === 0 ? 'all' : parts.join(',');
}

function encodeCursor(row: DeadLetter): string {
  return Buffer.from(`${row.failedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): DeadLetterCursor {
  const [failedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (failedAt === undefined || id === undefined || !UUID_PATTERN.test(id) || Number.isNaN(Date.parse(failedAt))) {
    throw ValidationError.forField('query.cursor', 'must be the nextCursor of a previous page');
  }
  return { failedAt: new Date(failedAt), id };
}
