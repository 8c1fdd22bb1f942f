import { formatHourOfWeek, hourOfWeek } from './local-clock.ts';
import { isQuietMinute, sendSlots, type QuietWindow } from './send-time-slots.ts';

const at = (iso: string): number => new Date(iso).getTime();

describe('hourOfWeek', () => {
  it.each<[string, string, number]>([
    ['2026-12-07T00:00:00Z', 'UTC', 0], // Monday 00:00
    ['2026-12-06T23:59:59Z', 'UTC', 167], // Sunday 23:59
    ['2026-03-28T18:00:00Z', 'Europe/Berlin', 5 * 24 + 19], // Saturday 19:00 CET
    ['2026-03-29T18:00:00Z', 'Europe/Berlin', 6 * 24 + 20], // Sunday 20:00 CEST, the day DST starts
    ['2026-11-01T05:30:00Z', 'America/New_York', 6 * 24 + 1], // Sunday 01:30 EDT
    ['2026-11-01T06:30:00Z', 'America/New_York', 6 * 24 + 1], // Sunday 01:30 EST, the same hour again
    ['2026-12-07T00:00:00Z', 'Asia/Kolkata', 5], // Monday 05:30
    ['2026-12-06T12:00:00Z', 'Pacific/Kiritimati', 2], // UTC+14: Sunday noon in UTC is already Monday 02:00
  ])('%s in %s is hour %i', (iso, timeZone, expected) => {
    expect(hourOfWeek(at(iso), timeZone)).toBe(expected);
  });
});

describe('formatHourOfWeek', () => {
  it.each<[number, string]>([
    [0, 'Mon 00:00'],
    [91, 'Thu 19:00'],
    [167, 'Sun 23:00'],
  ])('%i is %s', (hour, expected) => {
    expect(formatHourOfWeek(hour)).toBe(expected);
  });
});

describe('isQuietMinute', () => {
  const overnight: QuietWindow = { start: 22 * 60, end: 7 * 60 };
  const lunch: QuietWindow = { start: 12 * 60, end: 13 * 60 };
  it.each<[number, QuietWindow | null, boolean]>([
    [23 * 60, overnight, true],
    [0, overnight, true],
    [7 * 60 - 1, overnight, true],
    [7 * 60, overnight, false],
    [21 * 60 + 59, overnight, false],
    [12 * 60, lunch, true],
    [13 * 60, lunch, false],
    [12 * 60, null, false],
    [12 * 60, { start: 600, end: 600 }, false],
  ])('minute %i in %o is %s', (minute, quiet, expected) => {
    expect(isQuietMinute(minute, quiet)).toBe(expected);
  });
});

describe('sendSlots', () => {
  const slotsOf = (earliest: string, latest: string, timeZone: string, quiet: QuietWindow | null = null) =>
    sendSlots(new Date(earliest), new Date(latest), timeZone, quiet).map((slot) => [slot.at.toISOString(), slot.hourOfWeek]);

  it('starts with the earliest moment, then every hour', () => {
    expect(slotsOf('2026-12-07T10:20:00Z', '2026-12-07T13:00:00Z', 'UTC')).toEqual([
      ['2026-12-07T10:20:00.000Z', 10],
      ['2026-12-07T11:00:00.000Z', 11],
      ['2026-12-07T12:00:00.000Z', 12],
    ]);
  });

  it('skips the hour lost when DST starts', () => {
    // Berlin, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    expect(slotsOf('2026-03-29T00:10:00Z', '2026-03-29T03:10:00Z', 'Europe/Berlin')).toEqual([
      ['2026-03-29T00:10:00.000Z', 6 * 24 + 1],
      ['2026-03-29T01:00:00.000Z', 6 * 24 + 3],
      ['2026-03-29T02:00:00.000Z', 6 * 24 + 4],
      ['2026-03-29T03:00:00.000Z', 6 * 24 + 5],
    ]);
  });

  it('repeats the hour gained when DST ends', () => {
    // New York, Sunday 1 November 2026: 02:00 EDT goes back to 01:00 EST at 06:00 UTC.
    expect(slotsOf('2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z', 'America/New_York')).toEqual([
      ['2026-11-01T04:00:00.000Z', 6 * 24],
      ['2026-11-01T05:00:00.000Z', 6 * 24 + 1],
      ['2026-11-01T06:00:00.000Z', 6 * 24 + 1],
      ['2026-11-01T07:00:00.000Z', 6 * 24 + 2],
    ]);
  });

  it('follows a half-hour offset', () => {
    expect(slotsOf('2026-12-07T00:00:00Z', '2026-12-07T02:00:00Z', 'Asia/Kolkata')).toEqual([
      ['2026-12-07T00:00:00.000Z', 5],
      ['2026-12-07T00:30:00.000Z', 6],
      ['2026-12-07T01:30:00.000Z', 7],
    ]);
  });

  it('finds the hours after a half-hour DST change', () => {
    // Lord Howe Island, Sunday 5 April 2026: 02:00 (UTC+11) goes back to 01:30 (UTC+10:30) at 15:00 UTC.
    expect(slotsOf('2026-04-04T13:30:00Z', '2026-04-04T17:00:00Z', 'Australia/Lord_Howe')).toEqual([
      ['2026-04-04T13:30:00.000Z', 6 * 24],
      ['2026-04-04T14:00:00.000Z', 6 * 24 + 1],
      ['2026-04-04T15:30:00.000Z', 6 * 24 + 2],
      ['2026-04-04T16:30:00.000Z', 6 * 24 + 3],
    ]);
  });

  it('leaves out the quiet hours', () => {
    const quiet = { start: 22 * 60, end: 7 * 60 };
    expect(slotsOf('2026-12-07T20:30:00Z', '2026-12-08T09:00:00Z', 'UTC', quiet)).toEqual([
      ['2026-12-07T20:30:00.000Z', 20],
      ['2026-12-07T21:00:00.000Z', 21],
      ['2026-12-08T07:00:00.000Z', 24 + 7],
      ['2026-12-08T08:00:00.000Z', 24 + 8],
    ]);
  });

  it('reads the quiet hours in local time', () => {
    // 22:00 to 07:00 in Berlin is 21:00 to 06:00 UTC in winter.
    const quiet = { start: 22 * 60, end: 7 * 60 };
    const slots = slotsOf('2026-12-07T20:00:00Z', '2026-12-08T07:00:00Z', 'Europe/Berlin', quiet);
    expect(slots).toEqual([
      ['2026-12-07T20:00:00.000Z', 21],
      ['2026-12-08T06:00:00.000Z', 24 + 7],
    ]);
  });

  it('returns nothing for an empty window', () => {
    expect(slotsOf('2026-12-07T10:00:00Z', '2026-12-07T10:00:00Z', 'UTC')).toEqual([]);
  });

  it('has each hour of a week once', () => {
    const slots = sendSlots(new Date('2026-03-25T00:00:00Z'), new Date('2026-04-01T00:00:00Z'), 'UTC', null);
    expect(slots).toHaveLength(168);
    expect(new Set(slots.map((slot) => slot.hourOfWeek)).size).toBe(168);
  });
});
