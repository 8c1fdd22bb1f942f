/** A value that JSON can represent, as stored in a JSONB column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON Logic expression (https://jsonlogic.com) over {@link EligibilityFacts}. A customer
 * is eligible for a campaign when the rule evaluates to a truthy value.
 */
export type EligibilityRule = JsonValue;

/**
 * Facts a rule can read, under the variable names that `var` and `missing` accept.
 * The decisioning engine builds one per customer and decision.
 */
export interface EligibilityFacts {
  customer: {
    id: string;
    /** Free-form attributes from the customer's profile, read as `customer.attributes.<key>`. */
    attributes: Record<string, unknown>;
    /** Engagement score, 0 to 100. */
    engagement: number;
    /** Mean valence of recent events, -1 (negative) to 1 (positive), or null without evidence. */
    valence: number | null;
    /** Label of the customer's current emotion, such as `frustrated`, or null without evidence. */
    emotion: string | null;
    /** Journey stage, such as `onboarding`, or null before the first scored event. */
    stage: string | null;
    eventCount: number;
    /** Days since the customer's last event, with fractions, or null without events. */
    daysSinceLastEvent: number | null;
    /** Confidence of the emotion, 0 to 1, growing with the evidence left after decay. */
    emotionConfidence: number;
    /** Fast minus slow valence, -2 to 2: positive while the mood improves. Null without evidence. */
    emotionTrend: number | null;
    /** Counts of the customer's events in the windows that end at the decision instant. */
    events: Record<RecentEventWindow, RecentEventCounts>;
    /**
     * Consent per channel name: true when granted, false when the customer opted out.
     * A channel without a consent record is absent and reads as null.
     */
    consent: Record<string, boolean>;
  };
  now: {
    /** Hour of the day in UTC, 0 to 23. */
    hour: number;
    /** Day of the week in UTC as `Date.getUTCDay()` numbers it: 0 is Sunday, 6 is Saturday. */
    weekday: number;
  };
}

/**
 * Windows of the recent event counts, read as `customer.events.<window>.<count>`. Each
 * window ends at the decision instant, inclusive, and starts that many days before it, exclusive.
 */
export const RECENT_EVENT_WINDOWS = { last1d: 1, last7d: 7, last30d: 30, last90d: 90 } as const;

export type RecentEventWindow = keyof typeof RECENT_EVENT_WINDOWS;

/** Event counts in one window. */
export interface RecentEventCounts {
  /** Every event in the window. */
  count: number;
  /** Scored events whose valence was below 0. */
  negative: number;
  /** Events per touchpoint. A rule reads `touchpoint.<name>` as 0 when the window has none. */
  touchpoint: Record<string, number>;
  /** Events per type. A rule reads `type.<name>` as 0 when the window has none. */
  type: Record<string, number>;
}

/**
 * Returns zero counts for every window. The per-name maps have a null prototype, so a
 * touchpoint named like an inherited property (`constructor`) reads as null, not a function.
 */
export function emptyRecentEventCounts(): Record<RecentEventWindow, RecentEventCounts> {
  const counts = {} as Record<RecentEventWindow, RecentEventCounts>;
  for (const window of Object.keys(RECENT_EVENT_WINDOWS) as RecentEventWindow[]) {
    counts[window] = { count: 0, negative: 0, touchpoint: Object.create(null), type: Object.create(null) };
  }
  return counts;
}

/** Variables a rule may read, besides `customer.attributes.<key>` and the recent event counts. */
export const ELIGIBILITY_VARIABLES = [
  'customer.id',
  'customer.engagement',
  'customer.valence',
  'customer.emotion',
  'customer.emotionConfidence',
  'customer.emotionTrend',
  'customer.stage',
  'customer.eventCount',
  'customer.daysSinceLastEvent',
  'now.hour',
  'now.weekday',
] as const;

/** Prefix of the variables that read the customer's free-form attributes. */
export const ATTRIBUTE_VARIABLE_PREFIX = 'customer.attributes.';

/** Prefix of the variables that read recent event counts, such as `customer.events.last7d.touchpoint.call`. */
export const EVENT_COUNT_VARIABLE_PREFIX = 'customer.events.';

/** Prefix of the variables that read consent per channel, such as `customer.consent.email`. */
export const CONSENT_VARIABLE_PREFIX = 'customer.consent.';

/** Event types, touchpoints and channel names as event ingestion and the catalog accept them. */
export const EVENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const ELIGIBILITY_RULE_LIMITS = {
  /** Operators and literal arrays nested inside each other, counting the rule itself as 1. */
  maxDepth: 12,
  /** Operators, variable names, literals and literal arrays in the whole rule. An operator's argument list is not a node. */
  maxNodes: 200,
  /** Characters in one string literal or variable name. */
  maxStringLength: 1000,
} as const;

/**
 * Returns the clock part of {@link EligibilityFacts} for `now`, in UTC. Rules compare
 * `now.hour` and `now.weekday` against these values.
 */
export function clockFactsAt(now: Date): EligibilityFacts['now'] {
  return { hour: now.getUTCHours(), weekday: now.getUTCDay() };
}
