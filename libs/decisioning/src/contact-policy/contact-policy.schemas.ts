import { z } from 'zod';
import { SLUG_PATTERN } from '#wayline/catalog';
import { canonicalTimeZone } from './local-time.ts';
import { parseClockTime } from './quiet-hours.ts';

/** Maximum cap, per day or per week. */
export const MAX_CAP = 10_000;
/** Maximum cooldown: one year, in hours. */
export const MAX_COOLDOWN_HOURS = 8_760;

const reportMissing = (issue: { input?: unknown }): string | undefined => (issue.input === undefined ? 'is required' : undefined);

/** A cap: a whole number of messages from 0 to MAX_CAP, or null for no cap. */
const capSchema = z
  .number({ error: 'must be a whole number of messages, or null for no cap' })
  .int('must be a whole number')
  .min(0, 'must be at least 0')
  .max(MAX_CAP, `must be at most ${MAX_CAP}`)
  .nullable();

/** An IANA time zone name such as Europe/Berlin, returned in its canonical spelling. */
export const timeZoneSchema = z
  .string({ error: reportMissing })
  .max(64, 'must be at most 64 characters')
  .transform((value, context) => {
    const zone = canonicalTimeZone(value);
    if (zone === null) {
      context.addIssue({ code: 'custom', message: `must be an IANA time zone name such as Europe/Berlin or America/New_York, not '${value}'` });
      return z.NEVER;
    }
    return zone;
  });

const clockTimeSchema = z
  .string({ error: reportMissing })
  .refine((value) => parseClockTime(value) !== null, 'must be a local time as HH:MM, from 00:00 to 23:59')
  .transform((value) => parseClockTime(value)!);

const quietHoursSchema = z
  .strictObject({ start: clockTimeSchema, end: clockTimeSchema }, { error: 'must be an object { start, end } with local times as HH:MM, or null' })
  .refine((window) => window.start !== window.end, { message: 'end must differ from start', path: ['end'] });

/** Body of PUT /v1/admin/contact-policy. Every field left out gets its default, so the body is the whole policy. */
export const contactPolicyInputSchema = z.strictObject(
  {
    maxPerDay: capSchema.default(null),
    maxPerWeek: capSchema.default(null),
    quietHours: quietHoursSchema.nullable().default(null),
    cooldownHours: z
      .number({ error: 'must be a whole number of hours, or null for no cooldown' })
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(MAX_COOLDOWN_HOURS, `must be at most ${MAX_COOLDOWN_HOURS}`)
      .nullable()
      .default(null),
    defaultTimeZone: timeZoneSchema.default('UTC'),
  },
  { error: unknownFieldMessage(['maxPerDay', 'maxPerWeek', 'quietHours', 'cooldownHours', 'defaultTimeZone']) },
);

/** Body of PUT /v1/admin/contact-policy/channels/{name}; fields left out get their defaults. */
export const channelContactPolicyInputSchema = z.strictObject(
  {
    maxPerDay: capSchema.default(null),
    maxPerWeek: capSchema.default(null),
    requiresConsent: z.boolean({ error: 'must be true or false' }).default(false),
  },
  { error: unknownFieldMessage(['maxPerDay', 'maxPerWeek', 'requiresConsent']) },
);

export const CONSENT_STATUSES = ['granted', 'opted_out'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** Body of PUT /v1/customers/{id}/consent: the status of each listed channel; others keep theirs. */
export const consentInputSchema = z.strictObject(
  {
    channels: z
      .record(
        z.string().regex(SLUG_PATTERN, 'must be a channel name: lowercase letters, digits, "_" or "-"'),
        z.enum(CONSENT_STATUSES, { error: 'must be granted or opted_out' }),
        { error: 'must be an object of channel name to granted or opted_out, such as {"email":"granted"}' },
      )
      .refine((channels) => Object.keys(channels).length >= 1, 'must name at least one channel')
      .refine((channels) => Object.keys(channels).length <= 100, 'must name at most 100 channels'),
  },
  { error: unknownFieldMessage(['channels']) },
);

/** Body of PUT /v1/customers/{id}/time-zone; null falls back to the policy's default time zone. */
export const customerTimeZoneInputSchema = z.strictObject(
  { timeZone: timeZoneSchema.nullable() },
  { error: unknownFieldMessage(['timeZone']) },
);

export type ContactPolicyInput = z.output<typeof contactPolicyInputSchema>;
export type ChannelContactPolicyInput = z.output<typeof channelContactPolicyInputSchema>;
export type ConsentInput = z.output<typeof consentInputSchema>;

function unknownFieldMessage(allowed: string[]) {
  return (issue: { code?: string; keys?: string[] }): string | undefined => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown field ${issue.keys!.map((key) => `'${key}'`).join(', ')}; allowed fields: ${allowed.join(', ')}`;
    }
    if (issue.code === 'invalid_type') {
      return `must be a JSON object with the fields ${allowed.join(', ')}`;
    }
    return undefined;
  };
}
