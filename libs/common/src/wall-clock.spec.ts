import { readWallClock } from './wall-clock.ts';

describe('readWallClock', () => {
  it('returns a copy of a cached reading', () => {
    const first = readWallClock(Date.UTC(2026, 11, 4, 12, 30, 15), 'Europe/Berlin');
    first.hour = 99;
    const second = readWallClock(Date.UTC(2026, 11, 4, 12, 30, 15, 999), 'Europe/Berlin');
    expect(second).toEqual({ year: 2026, month: 12, day: 4, hour: 13, minute: 30, second: 15, weekday: 4 });
  });

  it('reads fractional instants before 1970 like Date', () => {
    // Date truncates -0.5 to 0, so the reading is of 1970-01-01T00:00:00Z, not of the second before.
    expect(readWallClock(-0.5, 'UTC')).toEqual({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 3 });
    expect(readWallClock(-1, 'UTC').second).toBe(59);
  });

  it('rejects an unknown zone every time', () => {
    expect(() => readWallClock(0, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => readWallClock(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
