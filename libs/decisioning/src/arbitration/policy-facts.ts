import {
  clockFactsAt,
  collectRuleVariables,
  CONSENT_VARIABLE_PREFIX,
  emptyRecentEventCounts,
  EVENT_COUNT_VARIABLE_PREFIX,
  RECENT_EVENT_WINDOWS,
  type CampaignPolicy,
  type EligibilityFacts,
  type RecentEventWindow,
} from '#wayline/catalog';
import type { CustomerScores } from '#wayline/journeys';

/** Events of one customer grouped by touchpoint and type, counted per window. */
export interface RecentEventGroup {
  touchpoint: string;
  type: string;
  /** Events per window, such as `{ last1d: 0, last7d: 2, ... }`. */
  counts: Record<RecentEventWindow, number>;
  /** Events per window whose scored valence was below 0. */
  negative: Record<RecentEventWindow, number>;
}

/** The widest window, which bounds the events read for the counts. */
export const LONGEST_EVENT_WINDOW_DAYS = Math.max(...Object.values(RECENT_EVENT_WINDOWS));

const WINDOWS = Object.keys(RECENT_EVENT_WINDOWS) as RecentEventWindow[];

/** Returns whether any of the rules reads a recent event count, so the events must be loaded. */
export function readsRecentEvents(variables: Iterable<string>): boolean {
  for (const variable of variables) {
    if (variable.startsWith(EVENT_COUNT_VARIABLE_PREFIX)) {
      return true;
    }
  }
  return false;
}

/** Returns whether any of the rules reads consent, so the customer's consent records must be loaded. */
export function readsConsent(variables: Iterable<string>): boolean {
  for (const variable of variables) {
    if (variable.startsWith(CONSENT_VARIABLE_PREFIX)) {
      return true;
    }
  }
  return false;
}

/** Returns every variable that the policy rules and context weights of the campaigns read. */
export function collectPolicyVariables(campaigns: Iterable<CampaignPolicy>): Set<string> {
  const variables = new Set<string>();
  const addVariablesOf = (rule: unknown) => {
    for (const variable of ruleVariables(rule)) {
      variables.add(variable);
    }
  };
  for (const campaign of campaigns) {
    addVariablesOf(campaign.rule);
    addVariablesOf(campaign.applicabilityRule);
    addVariablesOf(campaign.suitabilityRule);
    for (const entry of campaign.contextWeights) {
      addVariablesOf(entry.when);
    }
  }
  return variables;
}

/**
 * Variables of each rule object, because every decision collects them over all active
 * campaigns. The catalog builds new rule objects when it reloads and does not change them.
 */
const variablesByRule = new WeakMap<object, readonly string[]>();

function ruleVariables(rule: unknown): readonly string[] {
  if (typeof rule !== 'object' || rule === null) {
    // A literal rule such as `true`, or a missing one, reads no variable.
    return [];
  }
  let variables = variablesByRule.get(rule);
  if (variables === undefined) {
    variables = collectRuleVariables(rule);
    variablesByRule.set(rule, variables);
  }
  return variables;
}

/**
 * Builds the facts that policy rules read for one customer at `now`. Touchpoint and type
 * counts that a rule reads but the customer has none of are set to 0, so that
 * `{"==": [{"var": "customer.events.last7d.touchpoint.call"}, 0]}` passes for them.
 */
export function buildPolicyFacts(input: {
  customer: { id: string; attributes: Record<string, unknown> };
  scores: Pick<CustomerScores, 'engagement' | 'emotion' | 'stage' | 'eventCount' | 'daysSinceLastEvent'>;
  recentEvents: RecentEventGroup[];
  /** Consent per channel name, true when granted and false when opted out. */
  consent: ReadonlyMap<string, boolean>;
  variables: Iterable<string>;
  now: Date;
}): EligibilityFacts {
  // A null prototype, so a channel named like an inherited property reads as null.
  const consent: Record<string, boolean> = Object.create(null);
  input.consent.forEach((granted, channel) => {
    consent[channel] = granted;
  });
  const { customer, scores } = input;
  return {
    customer: {
      id: customer.id,
      attributes: customer.attributes,
      engagement: scores.engagement,
      valence: scores.emotion.valence,
      emotion: scores.emotion.label,
      emotionConfidence: scores.emotion.confidence,
      emotionTrend: scores.emotion.trend,
      stage: scores.stage,
      eventCount: scores.eventCount,
      daysSinceLastEvent: scores.daysSinceLastEvent,
      events: countRecentEvents(input.recentEvents, input.variables),
      consent,
    },
    now: clockFactsAt(input.now),
  };
}

function countRecentEvents(groups: RecentEventGroup[], variables: Iterable<string>): EligibilityFacts['customer']['events'] {
  const events = emptyRecentEventCounts();
  for (const variable of variables) {
    if (!variable.startsWith(EVENT_COUNT_VARIABLE_PREFIX)) {
      continue;
    }
    const [window, kind, name] = variable.slice(EVENT_COUNT_VARIABLE_PREFIX.length).split('.');
    if ((kind === 'touchpoint' || kind === 'type') && name !== undefined && Object.hasOwn(RECENT_EVENT_WINDOWS, window!)) {
      events[window as RecentEventWindow][kind][name] = 0;
    }
  }
  for (const group of groups) {
    for (const window of WINDOWS) {
      const counts = events[window];
      const count = group.counts[window];
      counts.count += count;
      counts.negative += group.negative[window];
      if (count > 0) {
        counts.touchpoint[group.touchpoint] = (counts.touchpoint[group.touchpoint] ?? 0) + count;
        counts.type[group.type] = (counts.type[group.type] ?? 0) + count;
      }
    }
  }
  return events;
}
