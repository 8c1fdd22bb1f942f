import { addDays, canonicalTimeZone, formatLocalDate, instantsAtLocalTime, isoWeekKey, localDateTime } from './local-time.ts';

const iso = (instants: number[]) => instants.map((instant) => new Date(instant).toISOString());

describe('canonicalTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['Asia/Kathmandu', 'Asia/Kathmandu'],
    ['Mars/Olympus_Mons', null],
    ['+01:00', null],
    ['', null],
  ])('%j becomes %j', (name, expected) => {
    expect(canonicalTimeZone(name)).toBe(expected);
  });
});

describe('localDateTime and formatLocalDate', () => {
  it.each([
    ['2026-12-04T16:00:00Z', 'Asia/Tokyo', '2026-12-05', 1],
    ['2026-12-05T03:00:00Z', 'America/Los_Angeles', '2026-12-04', 19],
    ['2026-12-04T23:59:59Z', 'UTC', '2026-12-04', 23],
    ['2026-12-04T18:15:00Z', 'Asia/Kathmandu', '2026-12-05', 0],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', '2026-03-29', 3],
  ])('%s in %s is on %s at hour %d', (instant, timeZone, date, hour) => {
    const local = localDateTime(Date.parse(instant), timeZone);
    expect(formatLocalDate(local)).toBe(date);
    expect(local.hour).toBe(hour);
  });
});

describe('isoWeekKey', () => {
  it.each([
    [{ year: 2026, month: 12, day: 4 }, '2026-W49'],
    [{ year: 2026, month: 12, day: 28 }, '2026-W53'],
    [{ year: 2027, month: 1, day: 1 }, '2026-W53'],
    [{ year: 2027, month: 1, day: 4 }, '2027-W01'],
    [{ year: 2024, month: 12, day: 30 }, '2025-W01'],
    [{ year: 2021, month: 1, day: 3 }, '2020-W53'],
  ])('%j is in %s', (date, expected) => {
    expect(isoWeekKey(date)).toBe(expected);
  });
});

describe('addDays', () => {
  it.each([
    [{ year: 2026, month: 12, day: 31 }, 1, { year: 2027, month: 1, day: 1 }],
    [{ year: 2028, month: 2, day: 28 }, 1, { year: 2028, month: 2, day: 29 }],
    [{ year: 2026, month: 3, day: 1 }, -1, { year: 2026, month: 2, day: 28 }],
  ])('%j plus %d days is %j', (date, days, expected) => {
    expect(addDays(date, days)).toEqual(expected);
  });
});

describe('instantsAtLocalTime', () => {
  it.each([
    ['an ordinary day', 'Europe/Berlin', { year: 2026, month: 12, day: 4 }, '08:00', ['2026-12-04T07:00:00.000Z']],
    ['summer time', 'Europe/Berlin', { year: 2026, month: 7, day: 1 }, '08:00', ['2026-07-01T06:00:00.000Z']],
    ['a quarter-hour offset', 'Asia/Kathmandu', { year: 2026, month: 6, day: 1 }, '07:00', ['2026-06-01T01:15:00.000Z']],
    ['UTC', 'UTC', { year: 2026, month: 1, day: 1 }, '00:00', ['2026-01-01T00:00:00.000Z']],
    // Clocks go from 02:00 to 03:00: 02:30 never happens, and the clock passes it at the jump.
    ['a skipped time in Berlin', 'Europe/Berlin', { year: 2026, month: 3, day: 29 }, '02:30', ['2026-03-29T01:00:00.000Z']],
    ['a skipped time in New York', 'America/New_York', { year: 2026, month: 3, day: 8 }, '02:00', ['2026-03-08T07:00:00.000Z']],
    // Clocks go from 03:00 back to 02:00 (Berlin) and from 02:00 back to 01:00 (New York).
    ['a repeated time in Berlin', 'Europe/Berlin', { year: 2026, month: 10, day: 25 }, '02:30', ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']],
    ['a repeated time in New York', 'America/New_York', { year: 2026, month: 11, day: 1 }, '01:30', ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
  ])('%s', (_case, timeZone, date, clock, expected) => {
    const [hours, minutes] = clock.split(':').map(Number);
    expect(iso(instantsAtLocalTime(date, hours! * 60 + minutes!, timeZone))).toEqual(expected);
  });
});
