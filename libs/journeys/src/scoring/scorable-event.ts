/** One customer interaction as the scoring math reads it, after validation by the events API. */
export interface ScorableEvent {
  /** Interaction kind such as `purchase` or `complaint`. Unknown kinds are allowed. */
  type: string;
  /** Journey step at which the interaction happened, such as `price_check` or `support_ticket`. */
  touchpoint: string;
  /** Medium such as `phone`, `web` or `app`. It counts towards engagement depth only. */
  channel: string;
  occurredAt: Date;
  /** Message or call transcript from the customer, scored with VADER. */
  text?: string | null;
  /** Stars from 1 to 5. */
  rating?: number | null;
  /** Money attached to the interaction, 0 or more, in the tenant's currency. */
  value?: number | null;
  /** Seconds the customer waited, such as queue time on a call. */
  waitSeconds?: number | null;
  /** Journey stage set by the caller, which overrides the default mapping. */
  stage?: string | null;
}

/**
 * Normalizes a type or touchpoint for table lookups: trimmed, lower case, with runs of spaces
 * and hyphens turned into one underscore, so `Support-Ticket` finds `support_ticket`.
 */
export function normalizeEventName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Looks up a type or touchpoint in a table keyed by normalized names. Only own properties
 * match, so a name such as `constructor` does not reach Object.prototype.
 */
export function lookupByEventName<Value>(
  table: Readonly<Record<string, Value>>,
  name: string,
): Value | undefined {
  const key = normalizeEventName(name);
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Returns whether `value` is a number that arithmetic can use (not null, NaN or infinite). */
export function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
