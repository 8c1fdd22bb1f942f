import { z } from 'zod';

/** `attribute:value`; the attribute is a top-level key of the customer's attributes. */
const SEGMENT_CONDITION_PATTERN = /^([A-Za-z0-9_][A-Za-z0-9_-]{0,63}):(.+)$/s;
export const MAX_SEGMENT_CONDITIONS = 5;
const MAX_SEGMENT_VALUE_LENGTH = 200;
const CONTROL_CHARACTER = /\p{Cc}/u;

/** One `segment` condition: the customer attribute, compared as text, equals the value. */
export interface SegmentCondition {
  attribute: string;
  value: string;
}

const SEGMENT_SYNTAX = 'must be attribute:value, such as tier:gold';

function parseSegmentCondition(raw: string): SegmentCondition | string {
  const match = SEGMENT_CONDITION_PATTERN.exec(raw);
  if (match === null) {
    return `${SEGMENT_SYNTAX}; the attribute is 1 to 64 letters, digits, "_" or "-"`;
  }
  const value = match[2]!;
  if (value.length > MAX_SEGMENT_VALUE_LENGTH) {
    return `value must be at most ${MAX_SEGMENT_VALUE_LENGTH} characters`;
  }
  if (CONTROL_CHARACTER.test(value)) {
    return 'value must not contain control characters';
  }
  return { attribute: match[1]!, value };
}

/**
 * `segment=tier:gold`, repeatable up to five times; every condition must hold. A query
 * string gives one string or, for a repeated parameter, an array of them.
 */
const segmentSchema = z
  .union([z.string(), z.array(z.string())], { error: `${SEGMENT_SYNTAX}, once or repeated` })
  .transform((input, context): SegmentCondition[] => {
    const raws = Array.isArray(input) ? input : [input];
    if (raws.length > MAX_SEGMENT_CONDITIONS) {
      context.addIssue({ code: 'custom', message: `must be given at most ${MAX_SEGMENT_CONDITIONS} times`, input });
      return z.NEVER;
    }
    const conditions: SegmentCondition[] = [];
    raws.forEach((raw, index) => {
      const parsed = parseSegmentCondition(raw);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed, path: Array.isArray(input) ? [index] : [], input: raw });
      } else {
        conditions.push(parsed);
      }
    });
    return conditions;
  });

const dateTimeSchema = z
  .string({ error: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-01T00:00:00Z' })
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-01T00:00:00Z' }))
  .transform((value) => new Date(value));

/** Builds the schema of a whole number sent as a query string, within [min, max]. */
function queryIntegerSchema(min: number, max: number, fallback: number) {
  return z
    .string({ error: `must be a whole number from ${min} to ${max}` })
    .regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

/**
 * Builds a strict query schema: an unknown parameter is rejected with the list of allowed
 * ones, and `to` must be after `from`.
 */
function analyticsQuerySchema<Shape extends z.ZodRawShape>(extra: Shape) {
  const shape = { segment: segmentSchema.optional(), from: dateTimeSchema.optional(), to: dateTimeSchema.optional(), ...extra };
  const allowed = Object.keys(shape).join(', ');
  return z
    .strictObject(shape, {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') {
          const names = issue.keys.map((key) => `'${key}'`).join(', ');
          return `unknown ${issue.keys.length === 1 ? 'parameter' : 'parameters'} ${names}; allowed parameters: ${allowed}`;
        }
        return undefined;
      },
    })
    .superRefine((query, context) => {
      const { from, to } = query as { from?: Date; to?: Date };
      if (from !== undefined && to !== undefined && to.getTime() <= from.getTime()) {
        context.addIssue({ code: 'custom', message: `must be after from (${from.toISOString()})`, path: ['to'], input: to });
      }
    });
}

export const DEFAULT_MIN_CUSTOMERS_PER_GROUP = 10;
export const DEFAULT_PATH_LIMIT = 10;
export const DEFAULT_MIN_ROUTE_CUSTOMERS = 5;

export const journeyMapQuerySchema = analyticsQuerySchema({});

export const painPointsQuerySchema = analyticsQuerySchema({
  /** Customers needed in each of the bad and good groups before a touchpoint is ranked. */
  minCustomers: queryIntegerSchema(1, 1_000_000, DEFAULT_MIN_CUSTOMERS_PER_GROUP),
});

export const journeyPathsQuerySchema = analyticsQuerySchema({
  limit: queryIntegerSchema(1, 100, DEFAULT_PATH_LIMIT),
  /** Customers a route needs, besides its share, to count as a branch of a fork. */
  minRouteCustomers: queryIntegerSchema(1, 1_000_000, DEFAULT_MIN_ROUTE_CUSTOMERS),
});

export type JourneyMapQuery = z.output<typeof journeyMapQuerySchema>;
export type PainPointsQuery = z.output<typeof painPointsQuerySchema>;
export type JourneyPathsQuery = z.output<typeof journeyPathsQuerySchema>;
