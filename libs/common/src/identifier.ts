import { z } from 'zod';

/**
 * External identifiers such as customer ids: 1 to `max` characters, no control
 * characters (which also rules out U+0000, which PostgreSQL cannot store) and no
 * surrounding spaces.
 */
export const identifierSchema = (max: number) =>
  z
    .string({ message: 'must be a string' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}\s](?:[^\p{Cc}]*[^\p{Cc}\s])?$/u, 'must not contain control characters or surrounding spaces');

/** Customer ids as events, journeys and decisions accept them. */
export const customerIdSchema = identifierSchema(128);

/**
 * Any hexadecimal UUID, without a check of the version and variant bits, because an id may
 * be any value PostgreSQL's uuid type stores. The Hillstrom importer derives version 5 ids.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that Wayline generates, such as decision and message ids; `what` names the id in the error. */
export const uuidSchema = (what: string) => z.string().regex(UUID_PATTERN, `must be ${what} (a UUID)`);
