import { Inject, Injectable } from '@nestjs/common';
import { SQL_POOL, type SqlPool } from '#wayline/database';
import { scoreStateFromRow, type CustomerScoreRow } from '#wayline/journeys';
import type { PolicyCustomerRow } from './arbitration/policy-facts.repository.ts';
import type { Arm, StoredAssignment } from './assignment/holdout-assignment.ts';
import type { CustomerContact } from './contact-policy/contact-policy.repository.ts';
import type { ConsentStatus } from './contact-policy/contact-policy.schemas.ts';
import { NEGATIVE_EMOTION_LABELS } from './contact-policy/cooldown.ts';

/** The per-customer facts of one decision, read before it ranks anything. */
export interface DecisionCustomer {
  customer: PolicyCustomerRow;
  /** Time zone, consent on the decision's channel and latest negative event. */
  contact: CustomerContact;
  /** The customer's stored arms in every holdout group. */
  assignments: StoredAssignment[];
}

interface DecisionCustomerRow extends CustomerScoreRow {
  id: string;
  attributes: unknown;
  time_zone: string | null;
  consent: string | null;
  last_negative_at: Date | null;
  assignments: Array<{ holdoutGroup: string; arm: string; holdoutShare: number; salt: string }>;
}

/**
 * Reads the per-customer facts of a decision in one round trip: the scored customer row,
 * the contact facts on the channel and the holdout arms. Separate queries for each cost
 * six round trips per decision. Plain SQL, because this runs on every decision (see SqlPool).
 */
@Injectable()
export class DecisionCustomerRepository {
  constructor(@Inject(SQL_POOL) private readonly sql: SqlPool) {}

  /** Returns null when no customer has that id. */
  async find(customerId: string, channelName: string): Promise<DecisionCustomer | null> {
    const [row] = await this.sql.query<DecisionCustomerRow>(
      `
      SELECT c.id, c.attributes, c.activity, c.activity_at, c.valence, c.valence_weight, c.emotion_at, c.stage, c.stage_at,
             c.event_count, c.last_event_at, c.scoring_state, c.time_zone,
             (SELECT consent.status
                FROM customer_consents consent JOIN channels channel ON channel.id = consent.channel_id
               WHERE consent.customer_id = c.id AND channel.name = $2) AS consent,
             (SELECT e.occurred_at FROM events e
               WHERE e.customer_id = c.id AND e.emotion_label = ANY($3::text[])
               ORDER BY e.occurred_at DESC LIMIT 1) AS last_negative_at,
             coalesce((SELECT json_agg(json_build_object('holdoutGroup', h.holdout_group, 'arm', h.arm,
                                                         'holdoutShare', h.holdout_share, 'salt', h.salt))
                         FROM holdout_assignments h WHERE h.customer_id = c.id), '[]'::json) AS assignments
      FROM customers c
      WHERE c.id = $1`,
      [customerId, channelName, NEGATIVE_EMOTION_LABELS],
    );
    if (row === undefined) {
      return null;
    }
    return {
      customer: { id: row.id, attributes: row.attributes as Record<string, unknown>, ...scoreStateFromRow(row) },
      contact: { timeZone: row.time_zone, consent: row.consent as ConsentStatus | null, lastNegativeAt: row.last_negative_at },
      assignments: row.assignments.map((assignment) => ({ ...assignment, arm: assignment.arm as Arm })),
    };
  }
}
