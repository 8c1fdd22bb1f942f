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
