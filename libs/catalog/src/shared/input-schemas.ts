import { z } from 'zod';
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from '#wayline/common';

/** Slug: lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Postgres INTEGER bounds, which the `priority` column uses. */
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export { containsNulCharacter, NUL_CHARACTER_MESSAGE } from '#wayline/common';

/** Reports an absent value as `is required` and leaves every other message to zod. */
export const reportMissing = (issue: { input?: unknown }): string | undefined =>
  issue.input === undefined ? 'is required' : undefined;

export const slugSchema = z
  .string({ error: reportMissing })
  .regex(SLUG_PATTERN, 'must be 1 to 64 lowercase letters, digits, "-" or "_", starting with a letter or digit');

export const webhookUrlSchema = z
  .string({ error: reportMissing })
  .max(2048, 'must be at most 2048 characters')
  .refine((url) => !containsNulCharacter(url), NUL_CHARACTER_MESSAGE)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http or https URL, such as https://hooks.example.com/wayline' }))
  // Credentials in the URL would be stored and returned in plain text; a signing secret
  // (signingSecret) authenticates the requests instead.
  .refine((url) => !hasUrlCredentials(url), 'must not contain a user name or password; set signingSecret to authenticate the requests');

function hasUrlCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

export const isoDateTimeSchema = z
  .string({ error: reportMissing })
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 datetime with an offset, such as 2025-01-31T09:00:00Z' }))
  .transform((value) => new Date(value));

export const int32Schema = z
  .number({ error: reportMissing })
  .int('must be an integer')
  .min(INT32_MIN, `must be at least ${INT32_MIN}`)
  .max(INT32_MAX, `must be at most ${INT32_MAX}`);

/** A query string flag: `true` or `false`. */
export const booleanQuerySchema = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true');

/**
 * Builds an object schema that rejects unknown keys with a message naming them and the
 * allowed ones, and rejects a value that is not an object with the list of fields.
 */
export function strictInput<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const names = issue.keys.map((key) => `'${key}'`).join(', ');
        return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${names}; allowed fields: ${allowed}`;
      }
      if (issue.code === 'invalid_type') {
        return `must be a JSON object with the fields ${allowed}`;
      }
      return undefined;
    },
  });
}

/** Refinement for PATCH bodies: an empty change is almost always a client mistake. */
export function hasSomeField(value: Record<string, unknown>): boolean {
  return Object.values(value).some((field) => field !== undefined);
}
