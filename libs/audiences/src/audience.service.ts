import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, parseInput, ValidationError } from '#wayline/common';
import { audienceQuerySchema, type AudienceQuery } from './audience.schemas.ts';
import { AudienceRepository } from './audience.repository.ts';
import { customerMatchRow, formatCustomerMatchLine, CUSTOMER_MATCH_HEADER } from './customer-match.ts';

/** Members read per query while the CSV streams; bounds the memory one export holds. */
export const CSV_PAGE_SIZE = 1000;

/** A validated audience request, ready to read. */
export interface AudienceRequest {
  campaign: string;
  campaignId: string;
  query: AudienceQuery;
  afterCustomerId: string | null;
}

export interface AudiencePage {
  campaign: string;
  items: Array<{ customerId: string; decisionId: string; decidedAt: string }>;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The treatment audience of a campaign, for ad platforms: customers whose latest
 * decision in the campaign is treatment. Control customers are never exported, so
 * the holdout group stays unexposed to the campaign's ads.
 */
@Injectable()
export class AudienceService {
  constructor(@Inject(AudienceRepository) private readonly repository: AudienceRepository) {}

  /**
   * Validates the query and finds the campaign, before anything is sent.
   *
   * @throws ValidationError for a bad parameter or cursor; NotFoundError for an unknown campaign.
   */
  async prepare(campaign: string, rawQuery: unknown): Promise<AudienceRequest> {
    const query = parseInput(audienceQuerySchema, rawQuery, 'query');
    const afterCustomerId = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const found = await this.repository.findCampaignId(campaign);
    if (found === null) {
      throw new NotFoundError('Campaign', campaign);
    }
    return { campaign, campaignId: found.id, query, afterCustomerId };
  }

  async page(request: AudienceRequest): Promise<AudiencePage> {
    const { limit } = request.query;
    // Reading one extra member shows whether another page follows.
    const members = await this.repository.listTreatmentPage(request.campaignId, request.afterCustomerId, limit + 1);
    const items = members.slice(0, limit).map((member) => ({
      customerId: member.customerId,
      decisionId: member.decisionId,
      decidedAt: member.decidedAt.toISOString(),
    }));
    const last = items[items.length - 1];
    return {
      campaign: request.campaign,
      items,
      nextCursor: members.length > limit && last !== undefined ? encodeCursor(last.customerId) : null,
    };
  }

  /**
   * Yields the customer-match CSV line by line: the header, then one line per member
   * with an e-mail or phone attribute, read {@link CSV_PAGE_SIZE} members at a time from
   * the cursor on. `limit` does not apply: the export covers the whole audience.
   */
  async *csvLines(request: AudienceRequest): AsyncGenerator<string> {
    yield `${CUSTOMER_MATCH_HEADER.join(',')}\n`;
    let after = request.afterCustomerId;
    for (;;) {
      const members = await this.repository.listTreatmentPage(request.campaignId, after, CSV_PAGE_SIZE);
      let chunk = '';
      for (const member of members) {
        chunk += formatCustomerMatchLine(customerMatchRow(member.attributes)) ?? '';
      }
      if (chunk !== '') {
        yield chunk;
      }
      if (members.length < CSV_PAGE_SIZE) {
        return;
      }
      after = members[members.length - 1]!.customerId;
    }
  }
}

export function encodeCursor(customerId: string): string {
  return Buffer.from(JSON.stringify({ after: customerId }), 'utf8').toString('base64url');
}

/** @throws ValidationError when the cursor was not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const after = (decoded as { after?: unknown } | null)?.after;
    if (typeof after === 'string' && after !== '') {
      return after;
    }
  } catch {
    // Reported below with the same message as a well-formed but foreign value.
  }
  throw ValidationError.forField('query.cursor', 'is not a cursor from this endpoint; pass nextCursor of the previous page unchanged');
}
