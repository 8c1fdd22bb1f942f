import { cooldownEnd, isCoolingDown } from './cooldown.ts';

describe('cooldownEnd and isCoolingDown', () => {
  const now = new Date('2026-12-04T12:00:00Z');

  it.each([
    ['no negative event', null, 48, null, false],
    ['cooldown switched off', '2026-12-04T11:00:00Z', null, null, false],
    ['cooldown of 0 hours', '2026-12-04T11:00:00Z', 0, null, false],
    ['negative event an hour ago', '2026-12-04T11:00:00Z', 24, '2026-12-05T11:00:00.000Z', true],
    ['cooldown ending now', '2026-12-03T12:00:00Z', 24, '2026-12-04T12:00:00.000Z', false],
    ['cooldown long over', '2026-11-01T12:00:00Z', 48, '2026-11-03T12:00:00.000Z', false],
    ['negative event later than now', '2026-12-04T13:00:00Z', 1, '2026-12-04T14:00:00.000Z', true],
  ])('%s', (_case, lastNegativeAt, hours, expectedEnd, expectedCooling) => {
    const end = cooldownEnd(lastNegativeAt === null ? null : new Date(lastNegativeAt), hours);
    expect(end === null ? null : end.toISOString()).toBe(expectedEnd);
    expect(isCoolingDown(now, end)).toBe(expectedCooling);
  });
});
