import { z } from 'zod';
import { ROLES } from '../roles.ts';

/** Maximum grace period of a rotated key, in seconds: one day. */
export const MAX_ROTATION_GRACE_SECONDS = 86_400;

const unknownFieldsError = (allowed: string) => (issue: { code: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).map((key) => `'${key}'`).join(', ')}; allowed fields: ${allowed}` : undefined;

export const apiKeyNameSchema = z
  .string({ message: 'is required, such as "newsletter-platform"' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

export const apiKeyRoleSchema = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

export const createApiKeySchema = z.strictObject(
  { name: apiKeyNameSchema, role: apiKeyRoleSchema },
  { error: unknownFieldsError('name, role') },
);

export const rotateApiKeySchema = z.strictObject(
  {
    graceSeconds: z
      .number({ message: `must be a whole number of seconds from 0 to ${MAX_ROTATION_GRACE_SECONDS}` })
      .int(`must be a whole number of seconds from 0 to ${MAX_ROTATION_GRACE_SECONDS}`)
      .min(0, 'must not be negative')
      .max(MAX_ROTATION_GRACE_SECONDS, `must be at most ${MAX_ROTATION_GRACE_SECONDS} (one day)`)
      .default(0),
  },
  { error: unknownFieldsError('graceSeconds') },
);

export const listApiKeysQuerySchema = z.strictObject(
  {
    includeRevoked: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  },
  { error: unknownFieldsError('includeRevoked') },
);

export const apiKeyIdSchema = z.strictObject({ id: z.uuid({ message: 'must be the id of an API key, a UUID' }) });
