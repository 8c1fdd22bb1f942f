import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError, parseInput, ROOT_LOGGER } from '#wayline/common';
import { PlatformKeyRepository, type PlatformKey } from './platform-key.repository.ts';

/** Every key starts with this, so a leaked key is easy to recognise in logs and secret scanners. */
export const PLATFORM_KEY_PREFIX = 'wpk_';

/** Characters of the key kept in `keyPrefix`: the marker and 8 characters of the random part. */
const SHOWN_PREFIX_LENGTH = PLATFORM_KEY_PREFIX.length + 8;

export const createPlatformKeySchema = z.strictObject(
  {
    name: z
      .string({ message: 'is required, such as "newsletter-platform"' })
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((key) => `'${key}'`).join(', ')}; allowed fields: name` : undefined) },
);

const keyIdSchema = z.uuid({ message: 'must be the id of a platform key, a UUID' });

export interface PlatformKeyView {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: string;
}

/** Returns the SHA-256 digest of a key as hex; the stored form of a key. */
export function hashPlatformKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API keys of e-mail and ad platforms. A key is 32 random bytes, shown once when it is
 * created; only its SHA-256 hash is stored. A plain hash suffices because the key has
 * 256 bits of entropy, so a slow password hash would add nothing.
 */
@Injectable()
export class PlatformKeyService {
  private readonly logger: Logger;

  constructor(
    @Inject(PlatformKeyRepository) private readonly repository: PlatformKeyRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: PlatformKeyService.name });
  }

  /** Creates a key and returns it with the secret, which is never shown again. */
  async create(body: unknown): Promise<PlatformKeyView & { key: string }> {
    const { name } = parseInput(createPlatformKeySchema, body, 'body');
    const key = `${PLATFORM_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const stored = await this.repository.create({ name, keyHash: hashPlatformKey(key), keyPrefix: key.slice(0, SHOWN_PREFIX_LENGTH) });
    this.logger.info({ platformKeyId: stored.id, keyPrefix: stored.keyPrefix }, 'Created a platform key');
    return { ...toView(stored), key };
  }

  async list(): Promise<{ items: PlatformKeyView[] }> {
    return { items: (await this.repository.listActive()).map(toView) };
  }

  /** @throws NotFoundError when no active key has this id. */
  async revoke(id: string): Promise<void> {
    const keyId = parseInput(z.strictObject({ id: keyIdSchema }), { id }, 'path').id;
    if (!(await this.repository.revoke(keyId, new Date()))) {
      throw new NotFoundError('Platform key', keyId);
    }
    this.logger.info({ platformKeyId: keyId }, 'Revoked a platform key');
  }

  /** Returns the active key that `presented` is, or null. */
  async verify(presented: string): Promise<PlatformKey | null> {
    if (!presented.startsWith(PLATFORM_KEY_PREFIX)) {
      return null;
    }
    return this.repository.findActiveByHash(hashPlatformKey(presented));
  }
}

function toView(key: PlatformKey): PlatformKeyView {
  return { id: key.id, name: key.name, keyPrefix: key.keyPrefix, createdAt: key.createdAt.toISOString() };
}
