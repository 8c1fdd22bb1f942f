import { z } from 'zod';
import { containsNulCharacter, customerIdSchema, identifierSchema, jsonContainsNulCharacter, nestsDeeperThan, NUL_CHARACTER_MESSAGE, parseInput, ValidationError } from '#wayline/common';

/** Names such as types, touchpoints and channels: lowercase snake or kebab case. */
const name = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "_" or "-"');

/** Deepest nesting of objects and arrays accepted in properties and attributes. */
export const MAX_JSON_DEPTH = 16;

/**
 * A JSON object of at most `maxBytes` and {@link MAX_JSON_DEPTH} levels. The depth is
 * checked first, without recursion, so that a deeply nested value cannot overflow the
 * stack of the later checks.
 */
const jsonObject = (maxBytes: number) =>
  z.record(z.string(), z.unknown()).superRefine((value, context) => {
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      context.addIssue({ code: 'custom', message: `must not nest objects or arrays deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) {
      context.addIssue({ code: 'custom', message: `must be at most ${maxBytes} bytes as JSON` });
      return;
    }
    if (jsonContainsNulCharacter(value)) {
      context.addIssue({ code: 'custom', message: NUL_CHARACTER_MESSAGE });
    }
  });

export const MAX_EVENTS_PER_BATCH = 1000;
const EARLIEST_EVENT_TIME = Date.UTC(1970, 0, 1);
const MAX_FUTURE_SKEW_MS = 24 * 3600_000;

export const eventInputSchema = z.strictObject({
  customerId: customerIdSchema,
  type: name,
  touchpoint: name,
  channel: name,
  occurredAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-04T09:30:00Z' })
    // An unreadable date fails the format check alone, not also the two range checks.
    .refine((value) => !(Date.parse(value) < EARLIEST_EVENT_TIME), { message: 'must not be before 1970-01-01' })
    // Clocks of senders drift; a day of tolerance accepts that but rejects mistyped years.
    .refine((value) => !(Date.parse(value) > Date.now() + MAX_FUTURE_SKEW_MS), { message: 'must not be more than 24 hours in the future' }),
  text: z
    .string()
    .max(10_000, 'must be at most 10000 characters')
    .refine((text) => !containsNulCharacter(text), NUL_CHARACTER_MESSAGE)
    .nullish(),
  /** Stars, 1 to 5. */
  rating: z.number().min(1, 'must be between 1 and 5').max(5, 'must be between 1 and 5').nullish(),
  /** Money attached to the interaction, such as an order total; not negative. */
  value: z.number().min(0, 'must not be negative').max(1e12, 'must be at most 1e12').nullish(),
  /** Seconds the customer waited, such as queue time on a call; at most 30 days. */
  waitSeconds: z.number().min(0, 'must not be negative').max(2_592_000, 'must be at most 2592000 (30 days)').nullish(),
  /** The journey stage, when the caller knows it; otherwise Wayline derives it from the touchpoint. */
  stage: name.nullish(),
  /**
   * Key of an active journey to place the event on; otherwise scoring picks the journey
   * by touchpoint. Ingestion rejects an unknown or inactive key.
   */
  journey: name.nullish(),
  properties: jsonObject(16_384).optional(),
  /** Customer attributes to merge into the stored ones (segment, tier, time zone, ...). */
  attributes: jsonObject(16_384).optional(),
  idempotencyKey: identifierSchema(200).optional(),
});

export type EventInput = z.output<typeof eventInputSchema>;

export const eventBatchSchema = z.strictObject({
  events: z
    .array(eventInputSchema)
    .min(1, 'must contain at least one event')
    .max(MAX_EVENTS_PER_BATCH, `must contain at most ${MAX_EVENTS_PER_BATCH} events; split the batch`),
});

/**
 * Parses the body of `POST /v1/events`: one event, or `{ events: [...] }` with 1 to 1000
 * of them. The shape is chosen by the presence of `events`, so that errors name the
 * field (`body.events[3].occurredAt`) instead of a failed union.
 */
export function parseEventBatch(body: unknown): EventInput[] {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body) {
    return parseInput(eventBatchSchema, body, 'body').events;
  }
  if (Array.isArray(body)) {
    throw ValidationError.forField('body', 'must be one event object or { "events": [...] }, not a bare array');
  }
  return [parseInput(eventInputSchema, body, 'body')];
}
