import { readWallClock } from '#wayline/common';

/** A calendar date in some time zone; `month` is 1 to 12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading in some time zone, to the second. */
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

let zonesByLowerCaseName: Map<string, string> | undefined;

/**
 * Checks an IANA time zone name against the runtime's time zone database and returns it,
 * with the letter case of the database when it differs only in case (`europe/berlin`
 * becomes `Europe/Berlin`), or null when the zone is unknown. Aliases such as
 * `Asia/Kathmandu` stay as given. UTC offsets such as `+01:00` are rejected, because
 * they ignore daylight saving time.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z]/.test(name)) {
    return null;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return null;
  }
  zonesByLowerCaseName ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
  return zonesByLowerCaseName.get(name.toLowerCase()) ?? name;
}

/** Reads the wall clock of `timeZone` at `instant` (epoch milliseconds). */
export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  const { year, month, day, hour, minute, second } = readWallClock(instant, timeZone);
  return { year, month, day, hour, minute, second };
}

/** Formats the local date as `YYYY-MM-DD`. */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Returns the ISO 8601 week of a date as `YYYY-Www`. Weeks start on Monday, and week 1 contains the year's first Thursday. */
export function isoWeekKey(date: LocalDate): string {
  const dayStart = Date.UTC(date.year, date.month - 1, date.day);
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday is 0
  const thursday = new Date(dayStart + (3 - weekday) * MS_PER_DAY);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / MS_PER_DAY / 7) + 1;
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

/** Returns the calendar date `days` days after `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * MS_PER_DAY);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Reads the wall clock as if it were UTC, in epoch milliseconds, so readings compare as numbers. */
function wallClockMs(instant: number, timeZone: string): number {
  const local = localDateTime(instant, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/**
 * Returns the instants (epoch milliseconds, ascending) at which the wall clock of
 * `timeZone` reaches `minuteOfDay` minutes after midnight on `date`:
 * - one instant on an ordinary day;
 * - two when the clock is set back and the time occurs twice;
 * - when the clock skips the time (set forward over it), the one instant at which the
 *   clock jumps past it, which is the first moment the wall clock shows a later time.
 */
export function instantsAtLocalTime(date: LocalDate, minuteOfDay: number, timeZone: string): number[] {
  const target = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MS_PER_MINUTE;
  // A zone's offset a day before and a day after the target covers both sides of one transition.
  const guesses = new Set([-MS_PER_DAY, 0, MS_PER_DAY].map((shift) => target - (wallClockMs(target + shift, timeZone) - (target + shift))));
  const exact = [...guesses].filter((instant) => wallClockMs(instant, timeZone) === target).sort((a, b) => a - b);
  if (exact.length > 0) {
    return exact;
  }

  // The time falls into a gap: find the first second whose wall clock is past the target.
  let low = Math.min(...guesses);
  let high = Math.max(...guesses);
  while (high - low > 1_000) {
    const middle = low + Math.max(1_000, Math.floor((high - low) / 2_000) * 1_000);
    if (wallClockMs(middle, timeZone) >= target) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return [high];
}
