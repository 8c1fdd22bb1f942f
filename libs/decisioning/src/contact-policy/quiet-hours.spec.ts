import { formatClockTime, isWithinQuietHours, parseClockTime, quietHoursEnd, type QuietHours } from './quiet-hours.ts';

const window = (start: string, end: string): QuietHours => ({ start: parseClockTime(start)!, end: parseClockTime(end)! });

describe('parseClockTime', () => {
  it.each([
    ['00:00', 0],
    ['07:30', 450],
    ['23:59', 1439],
    ['24:00', null],
    ['7:30', null],
    ['07:60', null],
    ['07:30:00', null],
  ])('%s is %j', (value, expected) => {
    expect(parseClockTime(value)).toBe(expected);
    if (expected !== null) {
      expect(formatClockTime(expected)).toBe(value);
    }
  });
});

describe('isWithinQuietHours', () => {
  it.each([
    ['21:59', '22:00', '07:00', false],
    ['22:00', '22:00', '07:00', true],
    ['23:59', '22:00', '07:00', true],
    ['00:00', '22:00', '07:00', true],
    ['06:59', '22:00', '07:00', true],
    ['07:00', '22:00', '07:00', false],
    ['12:00', '12:00', '14:00', true],
    ['14:00', '12:00', '14:00', false],
    ['11:59', '12:00', '14:00', false],
    ['03:00', '03:00', '03:00', false],
  ])('%s in %s to %s is %s', (clock, start, end, expected) => {
    expect(isWithinQuietHours(parseClockTime(clock)!, window(start, end))).toBe(expected);
  });
});

describe('quietHoursEnd', () => {
  it.each([
    ['evening, window over midnight', 'Europe/Berlin', '22:00', '07:00', '2026-12-04T22:30:00Z', '2026-12-05T06:00:00.000Z'],
    ['start of the window', 'Europe/Berlin', '22:00', '07:00', '2026-12-04T21:00:00Z', '2026-12-05T06:00:00.000Z'],
    ['early morning', 'Europe/Berlin', '22:00', '07:00', '2026-12-05T05:00:00Z', '2026-12-05T06:00:00.000Z'],
    ['end of the window', 'Europe/Berlin', '22:00', '07:00', '2026-12-05T06:00:00Z', null],
    ['midday', 'Europe/Berlin', '22:00', '07:00', '2026-12-04T12:00:00Z', null],
    ['window within one day', 'Europe/Berlin', '12:00', '14:00', '2026-12-04T11:30:00Z', '2026-12-04T13:00:00.000Z'],
    ['customer ahead of UTC by a day', 'Asia/Tokyo', '21:00', '08:00', '2026-12-04T13:00:00Z', '2026-12-04T23:00:00.000Z'],
    ['customer behind UTC', 'America/Los_Angeles', '21:00', '08:00', '2026-12-05T06:00:00Z', '2026-12-05T16:00:00.000Z'],
    // Clocks are set forward in the night: the window still ends at 07:00 local, one hour less after start.
    ['night the clock goes forward', 'Europe/Berlin', '22:00', '07:00', '2026-03-28T22:00:00Z', '2026-03-29T05:00:00.000Z'],
    ['night the clock goes back', 'Europe/Berlin', '22:00', '07:00', '2026-10-24T21:00:00Z', '2026-10-25T06:00:00.000Z'],
    // The end time 02:30 is skipped, so the window ends when the clock jumps to 03:00.
    ['end time skipped', 'Europe/Berlin', '01:00', '02:30', '2026-03-29T00:30:00Z', '2026-03-29T01:00:00.000Z'],
    // 01:00 to 02:00 happens twice: each pass through the window ends at its own 01:30.
    ['first pass of a repeated hour', 'America/New_York', '00:30', '01:30', '2026-11-01T05:15:00Z', '2026-11-01T05:30:00.000Z'],
    ['second pass of a repeated hour', 'America/New_York', '00:30', '01:30', '2026-11-01T06:15:00Z', '2026-11-01T06:30:00.000Z'],
  ])('%s', (_case, timeZone, start, end, now, expected) => {
    const result = quietHoursEnd(new Date(now), timeZone, window(start, end));
    expect(result === null ? null : result.toISOString()).toBe(expected);
  });
});
