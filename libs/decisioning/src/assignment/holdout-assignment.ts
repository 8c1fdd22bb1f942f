import { createHash } from 'node:crypto';

export type Arm = 'treatment' | 'control';

/** Holdout group name of the global control group, which no campaign can use (campaign groups cannot start with "~"). */
export const GLOBAL_CONTROL_GROUP = '~global-control';

/**
 * Position of a customer in a holdout group, uniform in [0, 1): the first 52 bits of
 * SHA-256 over "salt:customer". Campaign groups use the group name as the salt, so each
 * group draws an independent split, and the same customer always lands at the same position.
 */
export function holdoutPosition(salt: string, customerId: string): number {
  const digest = createHash('sha256').update(`${salt}:${customerId}`).digest();
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  return (high * 2 ** 20 + low) / 2 ** 52;
}

/**
 * Treatment or control, deterministically per salt and customer: control when the
 * customer's position falls below the holdout share. This is only the draw for a customer
 * seen for the first time; HoldoutPlan reuses the stored arm after that.
 */
export function assignArm(salt: string, customerId: string, holdoutShare: number): Arm {
  return holdoutPosition(salt, customerId) < holdoutShare ? 'control' : 'treatment';
}

/** A stored first assignment of a customer in one holdout group. */
export interface StoredAssignment {
  holdoutGroup: string;
  arm: Arm;
  /** Share in force when the customer was drawn. */
  holdoutShare: number;
  salt: string;
}

/** Arm of one decision and how it was reached, as recorded in the decision's reasons. */
export interface ArmAssignment {
  arm: Arm;
  /** True when the customer is in the global control group, which overrides the campaign's arm. */
  globalControl: boolean;
  /** 'stored' when an earlier decision fixed the arm, 'drawn' when it is drawn now. */
  origin: 'stored' | 'drawn';
  /** The customer's position under the salt, in [0, 1). */
  position: number;
  /** Share that the arm was drawn with: the stored one, or the current one for a new draw. */
  holdoutShare: number;
}

/** Global control group settings. A share of 0 turns the group off for customers not yet in it. */
export interface GlobalControlSettings {
  share: number;
  salt: string;
}

/**
 * The arms of one customer in every holdout group, read once before a decision so that the
 * contact policy can ask for the arm of each candidate without I/O.
 *
 * Rule: a customer's first arm in a group is final. Raising or lowering a campaign's holdout
 * share, or pointing a campaign at a group the customer is already in, changes nothing for
 * that customer, so no edit moves anyone from control to treatment. New customers are drawn
 * with the share in force. The global control group follows the same rule. Customers drawn
 * into it get control in every campaign. Turning the group on later can move a customer from
 * treatment to control in a campaign, which the uplift report counts as a crossover.
 */
export class HoldoutPlan {
  private readonly stored: Map<string, StoredAssignment>;

  constructor(
    readonly customerId: string,
    stored: readonly StoredAssignment[],
    private readonly globalControl: GlobalControlSettings,
  ) {
    this.stored = new Map(stored.map((assignment) => [assignment.holdoutGroup, assignment]));
  }

  /** Returns a plan in which `rows` replace the stored rows of their groups. */
  withStored(rows: readonly StoredAssignment[]): HoldoutPlan {
    const merged = new Map(this.stored);
    for (const row of rows) {
      merged.set(row.holdoutGroup, row);
    }
    return new HoldoutPlan(this.customerId, [...merged.values()], this.globalControl);
  }

  /** Returns the arm for a campaign's holdout group, the global control group first. */
  armFor(campaign: { holdoutGroup: string; holdoutShare: number }): ArmAssignment {
    const global = this.globalAssignment();
    if (global !== null && global.arm === 'control') {
      return { ...global, globalControl: true };
    }
    return { ...this.groupAssignment(campaign.holdoutGroup, campaign.holdoutGroup, campaign.holdoutShare), globalControl: false };
  }

  /**
   * Lists the rows to store for a decision in this campaign: the global control draw when
   * the group is on or already holds the customer, and the campaign group's draw unless the
   * customer is in global control. Rows that are stored already are left out.
   */
  newAssignmentsFor(campaign: { holdoutGroup: string; holdoutShare: number }): StoredAssignment[] {
    const rows: StoredAssignment[] = [];
    const global = this.globalAssignment();
    if (global !== null && global.origin === 'drawn') {
      rows.push({ holdoutGroup: GLOBAL_CONTROL_GROUP, arm: global.arm, holdoutShare: global.holdoutShare, salt: this.globalControl.salt });
    }
    if (global !== null && global.arm === 'control') {
      return rows;
    }
    const group = this.groupAssignment(campaign.holdoutGroup, campaign.holdoutGroup, campaign.holdoutShare);
    if (group.origin === 'drawn') {
      rows.push({ holdoutGroup: campaign.holdoutGroup, arm: group.arm, holdoutShare: group.holdoutShare, salt: campaign.holdoutGroup });
    }
    return rows;
  }

  /** Null when the customer is not in the global group and the group is off. */
  private globalAssignment(): Omit<ArmAssignment, 'globalControl'> | null {
    if (!this.stored.has(GLOBAL_CONTROL_GROUP) && this.globalControl.share === 0) {
      return null;
    }
    return this.groupAssignment(GLOBAL_CONTROL_GROUP, this.globalControl.salt, this.globalControl.share);
  }

  private groupAssignment(group: string, salt: string, share: number): Omit<ArmAssignment, 'globalControl'> {
    const stored = this.stored.get(group);
    if (stored !== undefined) {
      return { arm: stored.arm, origin: 'stored', position: holdoutPosition(stored.salt, this.customerId), holdoutShare: stored.holdoutShare };
    }
    const position = holdoutPosition(salt, this.customerId);
    return { arm: position < share ? 'control' : 'treatment', origin: 'drawn', position, holdoutShare: share };
  }
}
