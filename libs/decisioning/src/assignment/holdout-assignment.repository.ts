import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient, type SqlExecutor } from '#wayline/database';
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
   * the returned arms. One statement inserts and reads back. A row that a concurrent
   * transaction committed while that statement waited on it is newer than the statement's
   * snapshot, so a second statement reads such groups.
   */
  async insertMissing(customerId: string, assignments: readonly StoredAssignment[], tx: SqlExecutor): Promise<StoredAssignment[]> {
    if (assignments.length === 0) {
      return [];
    }
    const groups = assignments.map((assignment) => assignment.holdoutGroup);
    const rows = await tx.query<AssignmentRow>(
      `WITH inserted AS (
         INSERT INTO holdout_assignments (holdout_group, customer_id, arm, holdout_share, salt)
         SELECT holdout_group, $1, arm, holdout_share, salt
         FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[]) AS new (holdout_group, arm, holdout_share, salt)
         ON CONFLICT DO NOTHING
         RETURNING holdout_group, arm, holdout_share, salt
       )
       SELECT holdout_group, arm, holdout_share, salt FROM inserted
       UNION ALL
       SELECT holdout_group, arm, holdout_share, salt FROM holdout_assignments
       WHERE customer_id = $1 AND holdout_group = ANY($2::text[])
         AND holdout_group NOT IN (SELECT holdout_group FROM inserted)`,
      [
        customerId,
        groups,
        assignments.map((assignment) => assignment.arm),
        assignments.map((assignment) => assignment.holdoutShare),
        assignments.map((assignment) => assignment.salt),
      ],
    );
    if (rows.length < groups.length) {
      const found = new Set(rows.map((row) => row.holdout_group));
      const unseen = groups.filter((group) => !found.has(group));
      rows.push(
        ...(await tx.query<AssignmentRow>(
          'SELECT holdout_group, arm, holdout_share, salt FROM holdout_assignments WHERE customer_id = $1 AND holdout_group = ANY($2::text[])',
          [customerId, unseen],
        )),
      );
    }
    return rows.map((row) => ({ holdoutGroup: row.holdout_group, arm: row.arm as Arm, holdoutShare: row.holdout_share, salt: row.salt }));
  }
}

interface AssignmentRow {
  holdout_group: string;
  arm: string;
  holdout_share: number;
  salt: string;
}
