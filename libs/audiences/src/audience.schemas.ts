import { z } from 'zod';

export const AUDIENCE_PAGE_LIMITS = { min: 1, max: 1000, default: 100 } as const;

export const audienceQuerySchema = z.strictObject(
  {
    format: z.enum(['json', 'csv'], { message: "must be 'json' or 'csv'" }).default('json'),
    limit: z.coerce
      .number({ message: `must be a number from ${AUDIENCE_PAGE_LIMITS.min} to ${AUDIENCE_PAGE_LIMITS.max}` })
      .int(`must be a whole number from ${AUDIENCE_PAGE_LIMITS.min} to ${AUDIENCE_PAGE_LIMITS.max}`)
      .min(AUDIENCE_PAGE_LIMITS.min, `must be at least ${AUDIENCE_PAGE_LIMITS.min}`)
      .max(AUDIENCE_PAGE_LIMITS.max, `must be at most ${AUDIENCE_PAGE_LIMITS.max}`)
      .default(AUDIENCE_PAGE_LIMITS.default),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(400, 'must be at most 400 characters').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter ${issue.keys.map((key) => `'${key}'`).join(', ')}; allowed parameters: format, limit, cursor`
        : undefined,
  },
);

export type AudienceQuery = z.output<typeof audienceQuerySchema>;
