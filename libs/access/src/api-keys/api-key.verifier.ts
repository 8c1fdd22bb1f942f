import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import type { Principal } from '../request-context.ts';
import type { Role } from '../roles.ts';
import { ApiKeyRepository, type ApiKey } from './api-key.repository.ts';
import { hashApiKey, MAX_API_KEY_LENGTH, MIN_API_KEY_LENGTH } from './api-key.secret.ts';

/**
 * Time a replica trusts a verified key without reading the database again. Revocation and
 * rotation reach every replica at once through the live store's fan-out. This period is
 * the upper bound when a replica misses that message, such as during a Redis outage.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;

/** Maximum keys cached per process; beyond it the oldest entry is dropped. */
const MAX_CACHED_KEYS = 10_000;

/** Live store channel on which a changed key's id is published to every replica. */
export const API_KEY_CHANGED_CHANNEL = 'access:api-key-changed';

interface CachedKey {
  principal: Principal;
  /** Milliseconds since the epoch; the earlier of the cache period and the key's own end. */
  expiresAt: number;
}

/**
 * Verifies API keys on every request. A verified key is cached in memory for at most
 * {@link API_KEY_CACHE_TTL_MS}, so the next-best-offer hot path costs one hash and one
 * map lookup per request. Unknown keys are not cached, so a burst of wrong keys cannot
 * evict the right ones.
 */
@Injectable()
export class ApiKeyVerifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly cache = new Map<string, CachedKey>();
  /** Lookups in flight per key hash, so a burst of requests with one new key reads the database once. */
  private readonly lookups = new Map<string, Promise<CachedKey | null>>();
  /**
   * Counts evictions. A lookup that started before an eviction must not cache what it
   * read, because the row may have changed after the read.
   */
  private evictions = 0;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    @Inject(ApiKeyRepository) private readonly repository: ApiKeyRepository,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ApiKeyVerifier.name });
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.liveStore.subscribe(API_KEY_CHANGED_CHANNEL, (keyId) => this.evict(keyId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Returns the principal of an active key, or null for an unknown, revoked or expired key. */
  async verify(presented: string): Promise<Principal | null> {
    if (presented.length < MIN_API_KEY_LENGTH || presented.length > MAX_API_KEY_LENGTH) {
      return null;
    }
    const keyHash = hashApiKey(presented);
    const cached = this.cache.get(keyHash);
    if (cached !== undefined) {
      if (cached.expiresAt > Date.now()) {
        return cached.principal;
      }
      this.cache.delete(keyHash);
    }
    let lookup = this.lookups.get(keyHash);
    if (lookup === undefined) {
      lookup = this.lookUp(keyHash).finally(() => this.lookups.delete(keyHash));
      this.lookups.set(keyHash, lookup);
    }
    return (await lookup)?.principal ?? null;
  }

  /** Tells every replica, this one included, to drop the key from its cache. */
  async announceChange(keyId: string): Promise<void> {
    this.evict(keyId);
    await this.liveStore.publish(API_KEY_CHANGED_CHANNEL, keyId);
  }

  private async lookUp(keyHash: string): Promise<CachedKey | null> {
    const evictionsBefore = this.evictions;
    const now = new Date();
    const key = await this.repository.findActiveByHash(keyHash, now);
    if (key === null) {
      return null;
    }
    const entry: CachedKey = {
      principal: toPrincipal(key),
      expiresAt: Math.min(now.getTime() + API_KEY_CACHE_TTL_MS, key.revokedAt?.getTime() ?? Number.POSITIVE_INFINITY),
    };
    if (this.evictions === evictionsBefore) {
      this.store(keyHash, entry);
    }
    // One write per key and replica per cache period, off the request's path.
    this.repository.recordUse(key.id, now).catch((error: unknown) => {
      this.logger.warn({ err: error, apiKeyId: key.id }, 'Failed to record when an API key was last used');
    });
    return entry;
  }

  private store(keyHash: string, entry: CachedKey): void {
    if (this.cache.size >= MAX_CACHED_KEYS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
      }
    }
    this.cache.set(keyHash, entry);
  }

  private evict(keyId: string): void {
    this.evictions += 1;
    for (const [keyHash, entry] of this.cache) {
      if (entry.principal.keyId === keyId) {
        this.cache.delete(keyHash);
      }
    }
  }
}

function toPrincipal(key: ApiKey): Principal {
  return { keyId: key.id, keyName: key.name, role: key.role as Role };
}
