import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { type ArmAssignment, GLOBAL_CONTROL_GROUP, HoldoutPlan, type StoredAssignment } from './holdout-assignment.ts';
import { HoldoutAssignmentRepository } from './holdout-assignment.repository.ts';

interface HoldoutCampaign {
  holdoutGroup: string;
  holdoutShare: number;
}

/** Salted, sticky assignment of customers to treatment or control, with the optional global control group. */
@Injectable()
export class HoldoutAssignmentService {
  constructor(
    private readonly assignments: HoldoutAssignmentRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Plans with the customer's stored arms in the campaigns' groups and the global group.
   * They are read unless the caller passes `prefetched`, all of the customer's stored arms.
   */
  async planFor(customerId: string, campaigns: readonly HoldoutCampaign[], prefetched?: readonly StoredAssignment[]): Promise<HoldoutPlan> {
    const groups = [...new Set([GLOBAL_CONTROL_GROUP, ...campaigns.map((campaign) => campaign.holdoutGroup)])];
    const stored =
      prefetched === undefined
        ? await this.assignments.findForCustomer(customerId, groups)
        : prefetched.filter((assignment) => groups.includes(assignment.holdoutGroup));
    return new HoldoutPlan(customerId, stored, this.globalControl());
  }

  /**
   * Checks the arms in force after the decision's insert (see DecisionRepository.recordLive).
   * Throws ConflictError when a concurrent decision stored a different arm first (possible
   * only if the share was edited in between), so that the decision rolls back and the
   * caller can retry.
   */
  confirm(plan: HoldoutPlan, campaign: HoldoutCampaign, planned: ArmAssignment, inForce: readonly StoredAssignment[]): void {
    if (inForce.length === 0) {
      return;
    }
    const settled = plan.withStored(inForce).armFor(campaign);
    if (settled.arm !== planned.arm || settled.globalControl !== planned.globalControl) {
      throw new ConflictError(
        `customer '${plan.customerId}' was assigned to ${settled.arm} in holdout group '${campaign.holdoutGroup}' ` +
          'by a concurrent decision; retry the request',
      );
    }
  }

  private globalControl() {
    return { share: this.config.experiments.globalControlShare, salt: this.config.experiments.globalControlSalt };
  }
}
