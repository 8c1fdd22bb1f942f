import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PlatformKeyModel, type PrismaClient } from '#wayline/database';

export type PlatformKey = PlatformKeyModel;

@Injectable()
export class PlatformKeyRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  create(input: { name: string; keyHash: string; keyPrefix: string }): Promise<PlatformKey> {
    return this.prisma.platformKey.create({ data: input });
  }

  /** Keys that are not revoked, newest first. */
  listActive(): Promise<PlatformKey[]> {
    return this.prisma.platformKey.findMany({ where: { revokedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  findActiveByHash(keyHash: string): Promise<PlatformKey | null> {
    return this.prisma.platformKey.findFirst({ where: { keyHash, revokedAt: null } });
  }

  /** Returns false when no active key has this id. */
  async revoke(id: string, revokedAt: Date): Promise<boolean> {
    const result = await this.prisma.platformKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt } });
    return result.count === 1;
  }
}
