import { z } from 'zod';
import { ATTRIBUTE_NAME_PATTERN, CHANNEL_KINDS } from '#wayline/delivery';
import { booleanQuerySchema, hasSomeField, reportMissing, slugSchema, strictInput, webhookUrlSchema } from '../shared/input-schemas.ts';

/** Bounds of a channel's request timeout, in milliseconds. */
export const CHANNEL_TIMEOUT_LIMITS = { min: 100, max: 60_000 } as const;

const kindSchema = z.enum(CHANNEL_KINDS, { error: `must be one of ${CHANNEL_KINDS.join(', ')}` });

/** At least 16 characters so the HMAC key cannot be guessed; printable ASCII so it survives copying between systems. */
const signingSecretSchema = z
  .string({ error: reportMissing })
  .min(16, 'must be at least 16 characters; generate one with `openssl rand -hex 32`')
  .max(256, 'must be at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'must contain only printable ASCII characters without spaces');

const timeoutMsSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(CHANNEL_TIMEOUT_LIMITS.min, `must be at least ${CHANNEL_TIMEOUT_LIMITS.min} ms`)
  .max(CHANNEL_TIMEOUT_LIMITS.max, `must be at most ${CHANNEL_TIMEOUT_LIMITS.max} ms`);

const recipientAttributeSchema = z
  .string({ error: reportMissing })
  .regex(ATTRIBUTE_NAME_PATTERN, 'must be a customer attribute name: letters, digits and "_", not starting with a digit, at most 64 characters');

export const createChannelSchema = strictInput({
  name: slugSchema,
  webhookUrl: webhookUrlSchema,
  kind: kindSchema.default('webhook'),
  signingSecret: signingSecretSchema.optional(),
  timeoutMs: timeoutMsSchema.optional(),
  recipientAttribute: recipientAttributeSchema.optional(),
}).superRefine((input, context) => {
  if (input.kind === 'webhook' && input.recipientAttribute !== undefined) {
    context.addIssue({ code: 'custom', path: ['recipientAttribute'], message: 'applies only to email and sms channels', input: input.recipientAttribute });
  }
});

/** `null` removes the signing secret, the timeout or the recipient attribute. */
export const updateChannelSchema = strictInput({
  webhookUrl: webhookUrlSchema.optional(),
  active: z.boolean().optional(),
  kind: kindSchema.optional(),
  signingSecret: signingSecretSchema.nullable().optional(),
  timeoutMs: timeoutMsSchema.nullable().optional(),
  recipientAttribute: recipientAttributeSchema.nullable().optional(),
}).refine(hasSomeField, 'must contain at least one field to change: webhookUrl, active, kind, signingSecret, timeoutMs, recipientAttribute');

export const listChannelsQuerySchema = strictInput({
  active: booleanQuerySchema.optional(),
});

export type CreateChannelInput = z.output<typeof createChannelSchema>;
export type UpdateChannelInput = z.output<typeof updateChannelSchema>;
export type ListChannelsQuery = z.output<typeof listChannelsQuerySchema>;
