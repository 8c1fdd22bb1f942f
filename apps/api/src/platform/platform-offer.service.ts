import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { customerIdSchema, NotFoundError, parseInput } from '#wayline/common';
import type { Prisma } from '#wayline/database';
import { PlatformOfferRepository } from './platform-offer.repository.ts';

export const platformOfferQuerySchema = z.strictObject(
  {
    channel: z
      .string({ message: 'is required, such as channel=email' })
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a channel name: lowercase letters, digits, "_" or "-"'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.map((key) => `'${key}'`).join(', ')}; allowed parameters: channel` : undefined) },
);

/** The offer an e-mail platform renders for a customer at send time. */
export interface PlatformOffer {
  customerId: string;
  channel: string;
  decisionId: string;
  decidedAt: string;
  campaign: { key: string; name: string } | null;
  arm: string;
  /** Null for the control arm: the platform sends its default content, so the holdout stays untreated. */
  offer: { name: string; content: Prisma.JsonValue; value: number } | null;
}

/**
 * Reads the offer of a customer's latest decision on a channel. A pull records no
 * decision and schedules no message: decisions come from the next-best-offer API, and
 * a cacheable GET that recorded one would spend caps and budget on every cache miss.
 */
@Injectable()
export class PlatformOfferService {
  constructor(@Inject(PlatformOfferRepository) private readonly repository: PlatformOfferRepository) {}

  /** @throws ValidationError for a bad id or channel; NotFoundError when the customer has no decision on the channel. */
  async getOffer(customerId: string, rawQuery: unknown): Promise<{ body: PlatformOffer; etag: string }> {
    const id = parseInput(z.strictObject({ customerId: customerIdSchema }), { customerId }, 'path').customerId;
    const { channel } = parseInput(platformOfferQuerySchema, rawQuery, 'query');
    const decision = await this.repository.findLatestDecision(id, channel);
    if (decision === null) {
      throw new NotFoundError(`Decision on channel ${channel} for customer`, id);
    }
    const body: PlatformOffer = {
      customerId: id,
      channel,
      decisionId: decision.id,
      decidedAt: decision.createdAt.toISOString(),
      campaign: decision.campaign,
      arm: decision.arm,
      offer: decision.arm === 'treatment' ? decision.offer : null,
    };
    return { body, etag: entityTag(body) };
  }
}

/** Computes a strong entity tag: the first 128 bits of the SHA-256 of the JSON body. */
export function entityTag(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}"`;
}

/** Tells whether an If-None-Match header names `etag`, or is `*`. Weak tags match too, as RFC 9110 section 13.1.2 requires for GET. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) {
    return false;
  }
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}
