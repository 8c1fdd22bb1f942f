import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
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

  /**
   * Stores the rows that are not stored yet and returns the rows in force for those groups.
   * When a concurrent decision stored a group first, its row wins, so the caller must use
   * the returned arms.
   */
  async insertMissing(
    customerId: string,
    assignments: readonly StoredAssignment[],
    client: Prisma.TransactionClient | PrismaClient = this.prisma,
  ): Promise<StoredAssignment[]> {
    if (assignments.length === 0) {
      return [];
    }
    await client.holdoutAssignment.createMany({
      data: assignments.map((assignment) => ({ customerId, ...assignment })),
      skipDuplicates: true,
    });
    const rows = await client.holdoutAssignment.findMany({
      where: { customerId, holdoutGroup: { in: assignments.map((assignment) => assignment.holdoutGroup) } },
      select: { holdoutGroup: true, arm: true, holdoutShare: true, salt: true },
    });
    return rows.map((row) => ({ ...row, arm: row.arm as Arm }));
  }
}
