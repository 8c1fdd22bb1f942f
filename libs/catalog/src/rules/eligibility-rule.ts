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
  };
  now: {
    /** Hour of the day in UTC, 0 to 23. */
    hour: number;
    /** Day of the week in UTC as `Date.getUTCDay()` numbers it: 0 is Sunday, 6 is Saturday. */
    weekday: number;
  };
}

/** Variables a rule may read, besides `customer.attributes.<key>`. */
export const ELIGIBILITY_VARIABLES = [
  'customer.id',
  'customer.engagement',
  'customer.valence',
  'customer.emotion',
  'customer.stage',
  'customer.eventCount',
  'customer.daysSinceLastEvent',
  'now.hour',
  'now.weekday',
] as const;

/** Prefix of the variables that read the customer's free-form attributes. */
export const ATTRIBUTE_VARIABLE_PREFIX = 'customer.attributes.';

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
