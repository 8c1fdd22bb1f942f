import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PRISMA, type ApiKeyModel, type PrismaClient } from '#wayline/database';
import type { Role } from '../roles.ts';

export type ApiKey = ApiKeyModel;

export interface NewApiKey {
  name: string;
  role: Role;
  keyHash: string;
  keyPrefix: string;
  createdByKeyId?: string | null;
  rotatedFromId?: string | null;
}

/** Arbitrary constant that identifies changes to API keys among advisory locks. */
const API_KEY_CHANGES_LOCK_ID = 72_011_424;

/** A key counts as active until its `revokedAt`, which lies in the future during a rotation's grace period. */
const activeAt = (now: Date): Prisma.ApiKeyWhereInput => ({ OR: [{ revokedAt: null }, { revokedAt: { gt: now } }] });

@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Lists keys newest first, revoked ones only when `includeRevoked` is set. */
  list(includeRevoked: boolean, now: Date): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: includeRevoked ? {} : activeAt(now),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  findActiveByHash(keyHash: string, now: Date): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { keyHash, ...activeAt(now) } });
  }

  async recordUse(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  /**
   * Runs `work` in a transaction that holds a lock on key changes, so two replicas
   * bootstrapping at once, or two requests revoking the last admin keys at once, take
   * turns. Key changes are rare, so serializing all of them costs nothing.
   */
  inKeyChangeTransaction<T>(work: (keys: ApiKeyTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (transaction) => {
      await transaction.$executeRaw`SELECT pg_advisory_xact_lock(${API_KEY_CHANGES_LOCK_ID}::bigint)`;
      return work(new ApiKeyTransaction(transaction));
    });
  }
}

/** The key operations that run inside {@link ApiKeyRepository.inKeyChangeTransaction}. */
export class ApiKeyTransaction {
  /** The transaction's client, for the audit log entry of the change. */
  constructor(readonly transaction: Prisma.TransactionClient) {}

  countActiveAdmins(now: Date, exceptId?: string): Promise<number> {
    return this.transaction.apiKey.count({
      where: { role: 'admin', ...activeAt(now), ...(exceptId === undefined ? {} : { id: { not: exceptId } }) },
    });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.transaction.apiKey.findUnique({ where: { keyHash } });
  }

  findActiveById(id: string, now: Date): Promise<ApiKey | null> {
    return this.transaction.apiKey.findFirst({ where: { id, ...activeAt(now) } });
  }

  findSuccessorOf(id: string): Promise<ApiKey | null> {
    return this.transaction.apiKey.findUnique({ where: { rotatedFromId: id } });
  }

  create(input: NewApiKey): Promise<ApiKey> {
    return this.transaction.apiKey.create({ data: input });
  }

  /**
   * Sets the end of an active key, never moving an earlier end later. Returns false when
   * no active key has this id.
   */
  async revoke(id: string, revokedAt: Date, now: Date): Promise<boolean> {
    const result = await this.transaction.apiKey.updateMany({
      where: { id, OR: [{ revokedAt: null }, { revokedAt: { gt: revokedAt } }], AND: activeAt(now) },
      data: { revokedAt },
    });
    return result.count === 1;
  }
}
