import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';
import type { Arm, StoredAssignment } from './holdout-assignment.ts';

@Injectable()
export class HoldoutAssignmentRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Returns the customer's stored arms in the given holdout groups. */
  async findForCustomer(customerId: string, holdoutGroups: readonly string[]): Promise<StoredAssignment[]> {
    if (holdoutGroups.length === 0) {
      return [];
    }
    const rows = await this.prisma.holdoutAssignment.findMany({
      where: { customerId, holdoutGroup: { in: [...holdoutGroups] } },
      select: { holdoutGroup: true, arm: true, holdoutShare: true, salt: true },
    });
    return rows.map((row) => ({ ...row, arm: row.arm as Arm }));
  }
}
