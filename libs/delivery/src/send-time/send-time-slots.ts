import { localClock, MS_PER_HOUR, MS_PER_MINUTE } from './local-clock.ts';

/** A moment a message may be sent at, with the local hour of the week it falls in. */
export interface SendSlot {
  at: Date;
  hourOfWeek: number;
}

/** Local quiet hours as minutes after midnight; the window runs over midnight when `start` is after `end`. */
export interface QuietWindow {
  start: number;
  end: number;
}

/** Every real UTC offset is a multiple of 15 minutes, so every local hour starts on this grid. */
const GRID_MS = 15 * MS_PER_MINUTE;

/** Tells whether a local minute of the day falls inside the quiet window, which excludes its end. */
export function isQuietMinute(minuteOfDay: number, quiet: QuietWindow | null): boolean {
  if (quiet === null || quiet.start === quiet.end) {
    return false;
  }
  if (quiet.start < quiet.end) {
    return minuteOfDay >= quiet.start && minuteOfDay < quiet.end;
  }
  return minuteOfDay >= quiet.start || minuteOfDay < quiet.end;
}

/**
 * Lists the moments in [earliest, latest) that a message may be sent at: `earliest`
 * itself, then the start of every later local hour. Moments inside the quiet hours are
 * left out. A local hour that the clock skips when daylight saving time starts has no
 * slot, and an hour that occurs twice when it ends has two.
 */
export function sendSlots(earliest: Date, latest: Date, timeZone: string, quiet: QuietWindow | null): SendSlot[] {
  const slots: SendSlot[] = [];
  const add = (instant: number): void => {
    const clock = localClock(instant, timeZone);
    if (!isQuietMinute(clock.hour * 60 + clock.minute, quiet)) {
      slots.push({ at: new Date(instant), hourOfWeek: clock.weekday * 24 + clock.hour });
    }
  };

  const end = latest.getTime();
  if (earliest.getTime() >= end) {
    return slots;
  }
  add(earliest.getTime());

  // Walk the 15-minute grid until a local hour starts, then hour by hour. A step that
  // lands off the hour (an offset change by 30 or 45 minutes) goes back to the grid.
  let instant = Math.floor(earliest.getTime() / GRID_MS) * GRID_MS + GRID_MS;
  while (instant < end) {
    const clock = localClock(instant, timeZone);
    if (clock.minute === 0 && clock.second === 0) {
      add(instant);
      instant += MS_PER_HOUR;
    } else {
      instant += GRID_MS;
    }
  }
  return slots;
}
