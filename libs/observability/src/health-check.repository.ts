import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';

/** The database side of the readiness check. */
@Injectable()
export class HealthCheckRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Runs `SELECT 1`, which needs a pooled connection and a working server. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
