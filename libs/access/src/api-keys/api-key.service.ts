import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, parseInput, ROOT_LOGGER } from '#wayline/common';
import { currentPrincipal } from '../request-context.ts';
import type { Role } from '../roles.ts';
import { API_KEY_AUDIT, type ApiKeyAuditChange, type ApiKeyAuditRecorder } from './api-key-audit.ts';
import { ApiKeyRepository, type ApiKey, type ApiKeyTransaction } from './api-key.repository.ts';
import { apiKeyIdSchema, createApiKeySchema, listApiKeysQuerySchema, rotateApiKeySchema } from './api-key.schemas.ts';
import { generateApiKey, hashApiKey, shownPrefixOf } from './api-key.secret.ts';
import { ApiKeyVerifier } from './api-key.verifier.ts';

/** An API key as listed: everything but the secret, which is never stored. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  keyPrefix: string;
  createdAt: string;
  createdByKeyId: string | null;
  /** When the key stops or stopped working; null while it has no end. */
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFromId: string | null;
}

/** A key just created or rotated, with the secret that is shown in this response only. */
export type IssuedApiKey = ApiKeyView & { key: string };

/** Name of the admin key stored from WAYLINE_ADMIN_KEY. */
export const ENVIRONMENT_ADMIN_KEY_NAME = 'WAYLINE_ADMIN_KEY';
/** Name of the admin key generated on first start when WAYLINE_ADMIN_KEY is unset. */
export const GENERATED_ADMIN_KEY_NAME = 'generated-admin';

/** The outcome of {@link ApiKeyService.ensureAdminKey}. */
export type AdminKeyBootstrapResult =
  | { kind: 'stored' | 'present' | 'revoked' | 'not-admin' | 'admin-exists' }
  | { kind: 'generated'; key: IssuedApiKey };

/**
 * API keys with roles: create, list, rotate, revoke, and the first admin key. Each key is
 * 32 random bytes shown once; only its SHA-256 hash is stored.
 */
@Injectable()
export class ApiKeyService {
  private readonly logger: Logger;

  constructor(
    @Inject(ApiKeyRepository) private readonly repository: ApiKeyRepository,
    @Inject(ApiKeyVerifier) private readonly verifier: ApiKeyVerifier,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(API_KEY_AUDIT) private readonly audit: ApiKeyAuditRecorder | null = null,
  ) {
    this.logger = rootLogger.child({ context: ApiKeyService.name });
  }

  /** Creates a key and returns it with the secret, which is never shown again. */
  async create(body: unknown): Promise<IssuedApiKey> {
    const { name, role } = parseInput(createApiKeySchema, body, 'body');
    const key = generateApiKey();
    const createdByKeyId = currentPrincipal()?.keyId ?? null;
    const stored = await this.repository.inKeyChangeTransaction(async (keys) => {
      const created = await keys.create({ name, role, keyHash: hashApiKey(key), keyPrefix: shownPrefixOf(key), createdByKeyId });
      await this.record(keys, { action: 'create', entityType: 'api-key', entityKey: name, entityId: created.id, before: null, after: toView(created) });
      return created;
    });
    this.logger.info({ apiKeyId: stored.id, role, keyPrefix: stored.keyPrefix, byApiKeyId: createdByKeyId }, 'Created an API key');
    return { ...toView(stored), key };
  }

  /** Lists keys newest first, without secrets; revoked keys only with `includeRevoked=true`. */
  async list(query: unknown): Promise<{ items: ApiKeyView[] }> {
    const { includeRevoked } = parseInput(listApiKeysQuerySchema, query ?? {}, 'query');
    return { items: (await this.repository.list(includeRevoked, new Date())).map(toView) };
  }

  /**
   * Replaces a key with a new secret of the same name and role. The old key stops
   * working after `graceSeconds` (default 0, at once), so a caller can deploy the new
   * key before the old one ends.
   *
   * @throws NotFoundError when no active key has this id.
   * @throws ConflictError when the key was already rotated.
   */
  async rotate(id: string, body: unknown): Promise<IssuedApiKey & { previous: ApiKeyView }> {
    const keyId = parseInput(apiKeyIdSchema, { id }, 'path').id;
    const { graceSeconds } = parseInput(rotateApiKeySchema, body ?? {}, 'body');
    const key = generateApiKey();
    const createdByKeyId = currentPrincipal()?.keyId ?? null;

    const { previous, successor } = await this.repository.inKeyChangeTransaction(async (keys) => {
      const now = new Date();
      const old = await keys.findActiveById(keyId, now);
      if (old === null) {
        throw new NotFoundError('Active API key', keyId);
      }
      const existingSuccessor = await keys.findSuccessorOf(keyId);
      if (existingSuccessor !== null) {
        throw new ConflictError(`API key '${keyId}' was already rotated; its replacement is '${existingSuccessor.id}'`);
      }
      const revokedAt = new Date(now.getTime() + graceSeconds * 1000);
      await keys.revoke(keyId, revokedAt, now);
      const created = await keys.create({
        name: old.name,
        role: old.role as Role,
        keyHash: hashApiKey(key),
        keyPrefix: shownPrefixOf(key),
        createdByKeyId,
        rotatedFromId: keyId,
      });
      const ended = { ...old, revokedAt };
      await this.record(keys, { action: 'rotate', entityType: 'api-key', entityKey: old.name, entityId: keyId, before: toView(old), after: toView(ended) });
      await this.record(keys, { action: 'create', entityType: 'api-key', entityKey: created.name, entityId: created.id, before: null, after: toView(created) });
      return { previous: ended, successor: created };
    });

    await this.announceChange(keyId);
    this.logger.info({ apiKeyId: successor.id, rotatedFromId: keyId, graceSeconds, byApiKeyId: createdByKeyId }, 'Rotated an API key');
    return { ...toView(successor), key, previous: toView(previous) };
  }

  /**
   * Revokes a key at once, also one still in a rotation's grace period.
   *
   * @throws NotFoundError when no active key has this id.
   * @throws ConflictError when it is the last active admin key.
   */
  async revoke(id: string): Promise<void> {
    const keyId = parseInput(apiKeyIdSchema, { id }, 'path').id;
    await this.repository.inKeyChangeTransaction(async (keys) => {
      const now = new Date();
      const key = await keys.findActiveById(keyId, now);
      if (key === null) {
        throw new NotFoundError('Active API key', keyId);
      }
      if (key.role === 'admin' && (await keys.countActiveAdmins(now, keyId)) === 0) {
        throw new ConflictError(`API key '${keyId}' is the last active admin key; create another admin key before revoking it`);
      }
      await keys.revoke(keyId, now, now);
      const after = toView({ ...key, revokedAt: now });
      await this.record(keys, { action: 'revoke', entityType: 'api-key', entityKey: key.name, entityId: keyId, before: toView(key), after });
    });
    await this.announceChange(keyId);
    this.logger.info({ apiKeyId: keyId, byApiKeyId: currentPrincipal()?.keyId ?? null }, 'Revoked an API key');
  }

  /**
   * Makes sure an admin key exists, once per start of an API process. With `adminKey`
   * (WAYLINE_ADMIN_KEY) its hash is stored as an admin key unless it is stored already;
   * a stored key that an admin revoked stays revoked. Without it, and with no active
   * admin key, a new admin key is generated and returned, for the caller to print once.
   * A lock makes replicas that start together take turns, so at most one generates.
   */
  async ensureAdminKey(adminKey: string | undefined): Promise<AdminKeyBootstrapResult> {
    return this.repository.inKeyChangeTransaction(async (keys): Promise<AdminKeyBootstrapResult> => {
      const now = new Date();
      if (adminKey !== undefined) {
        const keyHash = hashApiKey(adminKey);
        const stored = await keys.findByHash(keyHash);
        if (stored === null) {
          const created = await keys.create({ name: ENVIRONMENT_ADMIN_KEY_NAME, role: 'admin', keyHash, keyPrefix: shownPrefixOf(adminKey) });
          await this.record(keys, { action: 'create', entityType: 'api-key', entityKey: created.name, entityId: created.id, before: null, after: toView(created) });
          this.logger.info({ apiKeyId: created.id }, 'Stored WAYLINE_ADMIN_KEY as an admin API key');
          return { kind: 'stored' };
        }
        if (stored.role !== 'admin') {
          this.logger.warn({ apiKeyId: stored.id, role: stored.role }, 'WAYLINE_ADMIN_KEY is stored as a key of another role and grants no admin access; set a new value');
          return { kind: 'not-admin' };
        }
        if (stored.revokedAt !== null && stored.revokedAt <= now) {
          this.logger.warn({ apiKeyId: stored.id }, 'WAYLINE_ADMIN_KEY was revoked and stays revoked; set a new value or unset it');
          return { kind: 'revoked' };
        }
        return { kind: 'present' };
      }
      if ((await keys.countActiveAdmins(now)) > 0) {
        return { kind: 'admin-exists' };
      }
      const key = generateApiKey();
      const created = await keys.create({ name: GENERATED_ADMIN_KEY_NAME, role: 'admin', keyHash: hashApiKey(key), keyPrefix: shownPrefixOf(key) });
      await this.record(keys, { action: 'create', entityType: 'api-key', entityKey: created.name, entityId: created.id, before: null, after: toView(created) });
      this.logger.info({ apiKeyId: created.id, keyPrefix: created.keyPrefix }, 'Generated the first admin API key');
      return { kind: 'generated', key: { ...toView(created), key } };
    });
  }

  /** Records a change in the audit log, in the change's transaction, when the module was imported with one. */
  private async record(keys: ApiKeyTransaction, change: ApiKeyAuditChange): Promise<void> {
    await this.audit?.record(keys.transaction, change);
  }

  /**
   * Drops the key from every replica's verification cache. A failed publish is logged
   * and not raised, because the change is stored; other replicas then see it within
   * their cache period.
   */
  private async announceChange(keyId: string): Promise<void> {
    try {
      await this.verifier.announceChange(keyId);
    } catch (error) {
      this.logger.error({ err: error, apiKeyId: keyId }, 'Failed to announce an API key change to other replicas; they see it when their cache entry expires');
    }
  }
}

function toView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    role: key.role as Role,
    keyPrefix: key.keyPrefix,
    createdAt: key.createdAt.toISOString(),
    createdByKeyId: key.createdByKeyId,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    rotatedFromId: key.rotatedFromId,
  };
}
