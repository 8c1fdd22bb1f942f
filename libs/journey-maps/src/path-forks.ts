import { compareCodeUnits } from '#wayline/journey-definitions';
import type { RouteHeadRow } from './journey-path.repository.ts';

/**
 * Rule for when a first stage forks. Routes are the second stages customers moved on to.
 * Paths have consecutive repeats collapsed, so a route always leads to a different stage. A
 * route is a branch when at least `minShare` of the customers who moved on from the first
 * stage took it, and at least `minCustomers` customers. A first stage forks when it has two
 * or more branches.
 */
export interface ForkRule {
  minShare: number;
  minCustomers: number;
}

/** A fifth of the customers who moved on: with this share a stage has at most five branches. */
export const MIN_ROUTE_SHARE = 0.2;
/** Forks reported per request, those with the most customers first; each branch costs one map query. */
export const MAX_FORKS = 5;

export interface ForkRoute {
  secondStage: string;
  customers: number;
  /** Of the customers who moved on from the first stage. */
  share: number;
  converted: number;
  conversionRate: number;
}

export interface Fork {
  firstStage: string;
  /** Customers whose path starts at the first stage. */
  customers: number;
  /** Of those, customers whose path has a second stage. */
  movedOn: number;
  /** Branches, most customers first. */
  routes: ForkRoute[];
}

/** Finds the first stages that fork, most customers first, at most MAX_FORKS of them. */
export function findForks(heads: readonly RouteHeadRow[], rule: ForkRule): Fork[] {
  const byFirstStage = new Map<string, RouteHeadRow[]>();
  for (const head of heads) {
    const group = byFirstStage.get(head.firstStage) ?? [];
    group.push(head);
    byFirstStage.set(head.firstStage, group);
  }

  const forks: Fork[] = [];
  for (const [firstStage, group] of byFirstStage) {
    const customers = group.reduce((sum, head) => sum + head.customers, 0);
    const moves = group.filter((head): head is RouteHeadRow & { secondStage: string } => head.secondStage !== null);
    const movedOn = moves.reduce((sum, head) => sum + head.customers, 0);
    const routes = moves
      .map((head) => ({
        secondStage: head.secondStage,
        customers: head.customers,
        share: head.customers / movedOn,
        converted: head.converted,
        conversionRate: head.converted / head.customers,
      }))
      .filter((route) => route.share >= rule.minShare && route.customers >= rule.minCustomers)
      .sort((a, b) => b.customers - a.customers || compareCodeUnits(a.secondStage, b.secondStage));
    if (routes.length >= 2) {
      forks.push({ firstStage, customers, movedOn, routes });
    }
  }
  return forks
    .sort((a, b) => b.customers - a.customers || compareCodeUnits(a.firstStage, b.firstStage))
    .slice(0, MAX_FORKS);
}
