import { addDays, instantsAtLocalTime, localDateTime } from './local-time.ts';

/**
 * A daily window without outreach in the customer's local time, as minutes after
 * midnight. The window starts at `start` and ends just before `end`; when `start` is
 * later than `end` it runs over midnight (22:00 to 07:00).
 */
export interface QuietHours {
  start: number;
  end: number;
}

/** Parses `HH:MM` (00:00 to 23:59) into minutes after midnight, or returns null. */
export function parseClockTime(value: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

/** Formats minutes after midnight as `HH:MM`. */
export function formatClockTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** Tells whether a local time of day, in minutes after midnight, falls inside the window. */
export function isWithinQuietHours(minuteOfDay: number, quiet: QuietHours): boolean {
  if (quiet.start === quiet.end) {
    return false;
  }
  if (quiet.start < quiet.end) {
    return minuteOfDay >= quiet.start && minuteOfDay < quiet.end;
  }
  return minuteOfDay >= quiet.start || minuteOfDay < quiet.end;
}

/**
 * Returns the instant at which the quiet window around `now` ends in `timeZone`, or null
 * when `now` is outside the window. On a day when the clock skips the end time, the
 * window ends when the clock jumps past it. When the end time occurs twice, the window
 * ends at the first occurrence that is still ahead of `now`.
 */
export function quietHoursEnd(now: Date, timeZone: string, quiet: QuietHours): Date | null {
  const local = localDateTime(now.getTime(), timeZone);
  const minuteOfDay = local.hour * 60 + local.minute;
  if (!isWithinQuietHours(minuteOfDay, quiet)) {
    return null;
  }
  // A window over midnight that started this evening ends tomorrow.
  const endsTomorrow = quiet.start > quiet.end && minuteOfDay >= quiet.start;
  const endDate = endsTomorrow ? addDays(local, 1) : local;
  const instants = instantsAtLocalTime(endDate, quiet.end, timeZone);
  const ahead = instants.find((instant) => instant > now.getTime()) ?? instants[instants.length - 1]!;
  return new Date(ahead);
}
