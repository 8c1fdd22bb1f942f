import { lookupByEventName, type ScorableEvent } from './scorable-event.ts';

export const JOURNEY_STAGES = [
  'awareness',
  'consideration',
  'purchase',
  'onboarding',
  'usage',
  'support',
  'renewal',
  'churn-risk',
] as const;

export type JourneyStage = (typeof JOURNEY_STAGES)[number];

/**
 * Event type and touchpoint tables that map an event to a journey stage, keyed by
 * normalized name (see normalizeEventName). A stage may be any string, so a tenant can
 * add stages of its own.
 */
export interface StageMap {
  byType: Readonly<Record<string, string>>;
  byTouchpoint: Readonly<Record<string, string>>;
}

/**
 * The default stage map. Types are checked first, and only types that fix the stage
 * wherever they happen are listed: a purchase by phone is still a purchase, and a
 * complaint in a store is still support.
 *
 * Touchpoints that do not indicate a stage are left out on purpose, `web_visit` and
 * `email` among them, so a long-time customer browsing the site is not sent back to
 * awareness. Such events keep the customer's current stage.
 */
export const DEFAULT_STAGE_MAP: Readonly<StageMap> = Object.freeze({
  byType: Object.freeze({
    purchase: 'purchase',
    complaint: 'support',
    escalation: 'support',
    refund: 'support',
    // A failed payment is the usual start of involuntary churn.
    payment_failed: 'churn-risk',
    cancellation: 'churn-risk',
  }),
  byTouchpoint: Object.freeze({
    ad_click: 'awareness',
    referral: 'awareness',
    price_check: 'consideration',
    quote: 'consideration',
    product_view: 'consideration',
    store_visit: 'consideration',
    purchase: 'purchase',
    checkout: 'purchase',
    signup: 'onboarding',
    activation: 'onboarding',
    login: 'usage',
    app_open: 'usage',
    // Paying a recurring bill is ordinary use, and renewals have their own touchpoint.
    bill_payment: 'usage',
    call: 'support',
    chat: 'support',
    support_ticket: 'support',
    claim: 'support',
    renewal: 'renewal',
    contract_renewal: 'renewal',
    cancellation: 'churn-risk',
  }),
});

/** Stage of a customer with no stage yet whose first event maps to none: a first contact. */
export const DEFAULT_FALLBACK_STAGE: JourneyStage = 'awareness';

export interface StageOptions {
  /** Stage returned when no table matches, usually the customer's current stage. */
  fallbackStage?: string;
  stageMap?: StageMap;
}

/**
 * Returns the stage that an event itself implies, or null when nothing matches. An explicit
 * `event.stage` wins (trimmed and lower-cased, not checked against JOURNEY_STAGES).
 * Otherwise the type table is checked, then the touchpoint table.
 */
export function mapStage(
  event: Pick<ScorableEvent, 'type' | 'touchpoint' | 'stage'>,
  stageMap: StageMap = DEFAULT_STAGE_MAP,
): string | null {
  const explicitStage = event.stage?.trim().toLowerCase();
  if (explicitStage) {
    return explicitStage;
  }
  return (
    lookupByEventName(stageMap.byType, event.type) ??
    lookupByEventName(stageMap.byTouchpoint, event.touchpoint) ??
    null
  );
}

/**
 * Returns the journey stage an event puts the customer in: the mapStage result, or
 * `fallbackStage` when nothing matches (DEFAULT_FALLBACK_STAGE unless given).
 */
export function stageForEvent(
  event: Pick<ScorableEvent, 'type' | 'touchpoint' | 'stage'>,
  options: StageOptions = {},
): string {
  return mapStage(event, options.stageMap) ?? options.fallbackStage ?? DEFAULT_FALLBACK_STAGE;
}
