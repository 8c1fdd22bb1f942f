/**
 * Wall-clock readings in an IANA time zone, for the send-time choice.
 *
 * NOTE: libs/decisioning/src/contact-policy/local-time.ts reads the wall clock the same
 * way, but the delivery lib cannot import the decisioning lib, because decisioning
 * imports delivery.
 */

/** A wall-clock reading; `weekday` is 0 for Monday to 6 for Sunday, as in ISO 8601. */
export interface LocalClock {
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

export const HOURS_PER_WEEK = 168;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Reads the wall clock of `timeZone` at `instant` (epoch milliseconds). Throws a RangeError for an unknown zone. */
export function localClock(instant: number, timeZone: string): LocalClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  const sundayIsZero = new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!)).getUTCDay();
  return { weekday: (sundayIsZero + 6) % 7, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Returns the local hour of the week at `instant`: 0 is Monday 00:00 to 00:59, 167 is Sunday 23:00 to 23:59. */
export function hourOfWeek(instant: number, timeZone: string): number {
  const clock = localClock(instant, timeZone);
  return clock.weekday * 24 + clock.hour;
}

/** Formats an hour of the week as `Tue 19:00`. */
export function formatHourOfWeek(hour: number): string {
  return `${WEEKDAY_NAMES[Math.floor(hour / 24)]} ${String(hour % 24).padStart(2, '0')}:00`;
}

/** Checks whether the runtime's time zone database contains `timeZone`. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
