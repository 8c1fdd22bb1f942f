import type { CounterLimit } from '#wayline/live-store';
import { addDays, formatLocalDate, instantsAtLocalTime, isoWeekKey, localDateTime, type LocalDate } from './local-time.ts';

/** At most this many sends per period; null means no cap. */
export interface Caps {
  maxPerDay: number | null;
  maxPerWeek: number | null;
}

/**
 * Whose counters a reservation uses. Treatment decisions that create a message count as
 * `send`. Control decisions count in a separate `control` set with the same caps, so the
 * control arm is capped like treatment without using up the customer's real sends.
 */
export type CapScope = 'send' | 'control';

/** A counter of a cap, with what it counts for the decision's reasons. */
export interface CapCounter extends CounterLimit {
  /** `all` for the caps over every channel, or the channel name. */
  appliesTo: string;
  period: 'day' | 'week';
  /** The local date (`2026-12-04`) or ISO week (`2026-W49`) counted. */
  periodKey: string;
}

const MS_PER_DAY = 86_400_000;
/** Counters outlive their period: a day counter may be used a day early (quiet hours move a send to tomorrow). */
const DAY_COUNTER_TTL_MS = 3 * MS_PER_DAY;
const WEEK_COUNTER_TTL_MS = 9 * MS_PER_DAY;

/** The local day and ISO week of a send, with their bounds as instants (start inclusive, end exclusive). */
export interface CapPeriods {
  day: string;
  week: string;
  dayStart: Date;
  dayEnd: Date;
  weekStart: Date;
  weekEnd: Date;
}

/** Sends already recorded in each capped period, to start counters the live store has lost. */
export interface RecordedSends {
  allDay: number;
  allWeek: number;
  channelDay: number;
  channelWeek: number;
}

/** Local days kept over all zones before every cached day is dropped, so the cache stays bounded. */
const MAX_CACHED_DAYS = 4096;

/** The periods of a local day as epoch milliseconds, computed once per zone and day. */
interface DayPeriods {
  day: string;
  week: string;
  dayStart: number;
  dayEnd: number;
  weekStart: number;
  weekEnd: number;
}

/**
 * Periods by zone, then by local date. They depend only on the zone and the local date,
 * and each day costs a dozen wall-clock readings to compute.
 */
const periodsByZone = new Map<string, Map<string, DayPeriods>>();
let cachedDays = 0;

/**
 * Finds the customer's local day and ISO week of `sendAt`. Days are 23 or 25 hours long
 * when the clock changes, and a day whose midnight is skipped starts when the clock jumps.
 */
export function capPeriods(sendAt: Date, timeZone: string): CapPeriods {
  const local = localDateTime(sendAt.getTime(), timeZone);
  const day = formatLocalDate(local);
  let zonePeriods = periodsByZone.get(timeZone);
  let periods = zonePeriods?.get(day);
  if (periods === undefined) {
    periods = dayPeriods(local, day, timeZone);
    if (cachedDays >= MAX_CACHED_DAYS) {
      periodsByZone.clear();
      cachedDays = 0;
      zonePeriods = undefined;
    }
    if (zonePeriods === undefined) {
      zonePeriods = new Map();
      periodsByZone.set(timeZone, zonePeriods);
    }
    zonePeriods.set(day, periods);
    cachedDays += 1;
  }
  return {
    day: periods.day,
    week: periods.week,
    dayStart: new Date(periods.dayStart),
    dayEnd: new Date(periods.dayEnd),
    weekStart: new Date(periods.weekStart),
    weekEnd: new Date(periods.weekEnd),
  };
}

function dayPeriods(local: LocalDate, day: string, timeZone: string): DayPeriods {
  const weekday = (new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() + 6) % 7; // Monday is 0
  const monday = addDays(local, -weekday);
  const midnight = (date: LocalDate) => instantsAtLocalTime(date, 0, timeZone)[0]!;
  return {
    day,
    week: isoWeekKey(local),
    dayStart: midnight(local),
    dayEnd: midnight(addDays(local, 1)),
    weekStart: midnight(monday),
    weekEnd: midnight(addDays(monday, 7)),
  };
}

export interface CapCounterInput {
  scope: CapScope;
  customerId: string;
  channel: string;
  /** When the message goes out; it is counted on the local day and week of this instant. */
  sendAt: Date;
  timeZone: string;
  overall: Caps;
  perChannel: Caps;
  /** Counts the new counters start from; 0 when absent. */
  recorded?: RecordedSends;
}

/**
 * Builds the live-store counters for the caps that apply to one send. Uncapped periods
 * get no counter. Keys contain the customer id URI-encoded, so ids with `:` cannot collide.
 */
export function capCounters(input: CapCounterInput): CapCounter[] {
  const { day, week } = capPeriods(input.sendAt, input.timeZone);
  const recorded = input.recorded ?? { allDay: 0, allWeek: 0, channelDay: 0, channelWeek: 0 };
  const base = capCounterBase(input.scope, input.customerId);

  const counters: CapCounter[] = [];
  const add = (appliesTo: string, keyPart: string, caps: Caps, initialDay: number, initialWeek: number) => {
    if (caps.maxPerDay !== null) {
      counters.push({
        key: `${base}:${keyPart}:day:${day}`,
        limit: caps.maxPerDay,
        ttlMs: DAY_COUNTER_TTL_MS,
        initial: initialDay,
        appliesTo,
        period: 'day',
        periodKey: day,
      });
    }
    if (caps.maxPerWeek !== null) {
      counters.push({
        key: `${base}:${keyPart}:week:${week}`,
        limit: caps.maxPerWeek,
        ttlMs: WEEK_COUNTER_TTL_MS,
        initial: initialWeek,
        appliesTo,
        period: 'week',
        periodKey: week,
      });
    }
  };
  add('all', 'all', input.overall, recorded.allDay, recorded.allWeek);
  add(input.channel, `channel:${input.channel}`, input.perChannel, recorded.channelDay, recorded.channelWeek);
  return counters;
}

function capCounterBase(scope: CapScope, customerId: string): string {
  return `contact-cap:${scope}:${encodeURIComponent(customerId)}`;
}

/** Key prefixes of every cap counter of one customer, in both scopes, so erasure can find them all. */
export function capCounterKeyPrefixes(customerId: string): string[] {
  return (['send', 'control'] as const).map((scope) => `${capCounterBase(scope, customerId)}:`);
}
