import { createHash } from 'node:crypto';

export type Arm = 'treatment' | 'control';

/**
 * Position of a customer in a holdout group, uniform in [0, 1): the first 52 bits of
 * SHA-256 over "group:customer". The group name is the salt, so each group draws an
 * independent split, and the same customer always lands at the same position.
 */
export function holdoutPosition(holdoutGroup: string, customerId: string): number {
  const digest = createHash('sha256').update(`${holdoutGroup}:${customerId}`).digest();
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  return (high * 2 ** 20 + low) / 2 ** 52;
}

/**
 * Treatment or control, deterministically per group and customer: control when the
 * customer's position falls below the holdout share.
 */
export function assignArm(holdoutGroup: string, customerId: string, holdoutShare: number): Arm {
  return holdoutPosition(holdoutGroup, customerId) < holdoutShare ? 'control' : 'treatment';
}
