import { readWallClock } from '#wayline/common';

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

/** Reads the wall clock of `timeZone` at `instant` (epoch milliseconds). Throws a RangeError for an unknown zone. */
export function localClock(instant: number, timeZone: string): LocalClock {
  const { weekday, hour, minute, second } = readWallClock(instant, timeZone);
  return { weekday, hour, minute, second };
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
