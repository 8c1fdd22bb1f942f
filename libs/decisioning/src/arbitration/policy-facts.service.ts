import { Injectable } from '@nestjs/common';
import type { EligibilityFacts } from '#wayline/catalog';
import { JourneyQueryService, type CustomerScores } from '#wayline/journeys';
import { buildPolicyFacts, readsConsent, readsRecentEvents } from './policy-facts.ts';
import { PolicyFactsRepository, type PolicyCustomerRow } from './policy-facts.repository.ts';

const NO_CONSENT: ReadonlyMap<string, boolean> = new Map();

/**
 * Builds the facts that policy rules and context weights read. Recent event counts and
 * consent are loaded only when one of the rules reads them, because each costs one more query.
 */
@Injectable()
export class PolicyFactsService {
  constructor(
    private readonly repository: PolicyFactsRepository,
    private readonly journeys: JourneyQueryService,
  ) {}

  /** Facts of one customer whose scores the caller already has. */
  async forCustomer(
    customer: { id: string; attributes: Record<string, unknown> },
    scores: CustomerScores,
    variables: ReadonlySet<string>,
    now: Date,
  ): Promise<EligibilityFacts> {
    const [recentEvents, consents] = await Promise.all([
      readsRecentEvents(variables) ? this.repository.findRecentEventGroups([customer.id], now) : undefined,
      readsConsent(variables) ? this.repository.findConsents([customer.id]) : undefined,
    ]);
    return buildPolicyFacts({
      customer,
      scores,
      recentEvents: recentEvents?.get(customer.id) ?? [],
      consent: consents?.get(customer.id) ?? NO_CONSENT,
      variables,
      now,
    });
  }

  /** Facts of each customer of a page, in the page's order, with their scores decayed to `now`. */
  async forCustomers(
    customers: PolicyCustomerRow[],
    variables: ReadonlySet<string>,
    now: Date,
  ): Promise<Array<{ customerId: string; facts: EligibilityFacts }>> {
    const ids = customers.map((customer) => customer.id);
    const [recentEvents, consents] = await Promise.all([
      readsRecentEvents(variables) ? this.repository.findRecentEventGroups(ids, now) : undefined,
      readsConsent(variables) ? this.repository.findConsents(ids) : undefined,
    ]);
    return customers.map((customer) => ({
      customerId: customer.id,
      facts: buildPolicyFacts({
        customer,
        scores: this.journeys.scoresOf(customer, now),
        recentEvents: recentEvents?.get(customer.id) ?? [],
        consent: consents?.get(customer.id) ?? NO_CONSENT,
        variables,
        now,
      }),
    }));
  }
}
