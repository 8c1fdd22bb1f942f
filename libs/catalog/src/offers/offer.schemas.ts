import { z } from 'zod';
import { ATTRIBUTE_NAME_PATTERN } from '#wayline/delivery';
import { nestsDeeperThan } from '#wayline/common';
import type { JsonValue } from '../rules/eligibility-rule.ts';
import {
  booleanQuerySchema,
  containsNulCharacter,
  hasSomeField,
  NUL_CHARACTER_MESSAGE,
  slugSchema,
  strictInput,
} from '../shared/input-schemas.ts';

export const OFFER_CONTENT_LIMITS = {
  /** Size of the content serialized as JSON, in UTF-8 bytes. */
  maxBytes: 16 * 1024,
  /** Objects and arrays nested inside each other, counting the content itself as 1. */
  maxDepth: 32,
} as const;

/**
 * Offer content: a JSON object of at most 16 KB and 32 levels, without NUL characters.
 * The depth is checked first, because the later checks recurse and `JSON.stringify`
 * overflows the stack on a value nested thousands deep.
 */
export const offerContentSchema = z
  .custom<Record<string, JsonValue>>(isPlainObject, {
    error: (issue) =>
      issue.input === undefined ? 'is required' : 'must be a JSON object, such as {"subject": "Welcome", "url": "https://example.com"}',
  })
  .superRefine((content, context) => {
    if (nestsDeeperThan(content, OFFER_CONTENT_LIMITS.maxDepth)) {
      context.addIssue({ code: 'custom', message: `nests deeper than ${OFFER_CONTENT_LIMITS.maxDepth} levels`, input: content });
      return;
    }
    if (containsNulInKeysOrStrings(content)) {
      context.addIssue({ code: 'custom', message: NUL_CHARACTER_MESSAGE, input: content });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(content), 'utf8');
    if (bytes > OFFER_CONTENT_LIMITS.maxBytes) {
      context.addIssue({
        code: 'custom',
        message: `is ${bytes} bytes as JSON; the limit is ${OFFER_CONTENT_LIMITS.maxBytes} bytes`,
        input: content,
      });
    }
  });

export const offerValueSchema = z.number({ error: 'must be a number' }).min(0, 'must be 0 or more');

/**
 * Customer attributes that the content templates use. A template may name only these,
 * so a misspelt attribute is rejected when the offer is saved, not when it is sent.
 */
export const requiredAttributesSchema = z
  .array(
    z.string({ error: 'must be an attribute name' }).regex(ATTRIBUTE_NAME_PATTERN, 'must be an attribute name: letters, digits and "_", not starting with a digit'),
    { error: 'must be an array of customer attribute names, such as ["firstName"]' },
  )
  .max(50, 'must list at most 50 attributes')
  .refine((names) => new Set(names).size === names.length, 'must not list an attribute twice');

export const createOfferSchema = strictInput({
  name: slugSchema,
  channel: slugSchema,
  content: offerContentSchema,
  value: offerValueSchema.default(0),
  requiredAttributes: requiredAttributesSchema.default([]),
});

export const updateOfferSchema = strictInput({
  channel: slugSchema.optional(),
  content: offerContentSchema.optional(),
  value: offerValueSchema.optional(),
  requiredAttributes: requiredAttributesSchema.optional(),
  active: z.boolean().optional(),
}).refine(hasSomeField, 'must contain at least one field to change: channel, content, value, requiredAttributes, active');

export const listOffersQuerySchema = strictInput({
  channel: slugSchema.optional(),
  active: booleanQuerySchema.optional(),
});

export type CreateOfferInput = z.output<typeof createOfferSchema>;
export type UpdateOfferInput = z.output<typeof updateOfferSchema>;
export type ListOffersQuery = z.output<typeof listOffersQuerySchema>;

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Call only on values within the depth limit, because it recurses once per level. */
function containsNulInKeysOrStrings(value: unknown): boolean {
  if (typeof value === 'string') {
    return containsNulCharacter(value);
  }
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some(containsNulInKeysOrStrings);
  }
  return Object.entries(value).some(([key, child]) => containsNulCharacter(key) || containsNulInKeysOrStrings(child));
}
