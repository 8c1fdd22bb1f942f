import { capCounters, capPeriods, type CapCounterInput } from './cap-counters.ts';

const base: CapCounterInput = {
  scope: 'send',
  customerId: 'c-42',
  channel: 'email',
  sendAt: new Date('2026-12-04T12:00:00Z'),
  timeZone: 'UTC',
  overall: { maxPerDay: 3, maxPerWeek: 10 },
  perChannel: { maxPerDay: 1, maxPerWeek: null },
};

describe('capCounters', () => {
  it('builds one counter per capped period', () => {
    const counters = capCounters(base);
    expect(counters.map((counter) => [counter.key, counter.limit])).toEqual([
      ['contact-cap:send:c-42:all:day:2026-12-04', 3],
      ['contact-cap:send:c-42:all:week:2026-W49', 10],
      ['contact-cap:send:c-42:channel:email:day:2026-12-04', 1],
    ]);
  });

  it('builds none without caps', () => {
    const counters = capCounters({ ...base, overall: { maxPerDay: null, maxPerWeek: null }, perChannel: { maxPerDay: null, maxPerWeek: null } });
    expect(counters).toEqual([]);
  });

  it.each([
    // 23:30 UTC on Sunday is already Monday in Berlin: a new day and a new ISO week.
    ['Europe/Berlin', '2026-12-06T23:30:00Z', '2026-12-07', '2026-W50'],
    ['UTC', '2026-12-06T23:30:00Z', '2026-12-06', '2026-W49'],
    ['America/New_York', '2026-12-07T03:00:00Z', '2026-12-06', '2026-W49'],
  ])('counts on the local day in %s', (timeZone, sendAt, day, week) => {
    const counters = capCounters({ ...base, timeZone, sendAt: new Date(sendAt) });
    expect(counters[0]!.periodKey).toBe(day);
    expect(counters[1]!.periodKey).toBe(week);
  });

  it('keeps control counters apart from sends', () => {
    const send = capCounters(base).map((counter) => counter.key);
    const control = capCounters({ ...base, scope: 'control' }).map((counter) => counter.key);
    expect(control.filter((key) => send.includes(key))).toEqual([]);
  });

  it('encodes separators in customer ids', () => {
    const tricky = capCounters({ ...base, customerId: 'c:channel:email', perChannel: { maxPerDay: null, maxPerWeek: null } });
    const plain = capCounters({ ...base, customerId: 'c' });
    expect(tricky[0]!.key).toBe('contact-cap:send:c%3Achannel%3Aemail:all:day:2026-12-04');
    expect(plain.map((counter) => counter.key)).not.toContain(tricky[0]!.key);
  });
});

describe('capPeriods', () => {
  it.each([
    ['an ordinary day', 'UTC', '2026-12-04T12:00:00Z', '2026-12-04T00:00:00.000Z', '2026-12-05T00:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['a day ahead of UTC', 'Asia/Tokyo', '2026-12-06T16:00:00Z', '2026-12-06T15:00:00.000Z', '2026-12-07T15:00:00.000Z', '2026-12-06T15:00:00.000Z', '2026-12-13T15:00:00.000Z'],
    // 23 hours: the clock goes from 02:00 to 03:00. The week started in winter time.
    ['the day the clock goes forward', 'Europe/Berlin', '2026-03-29T12:00:00Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    // 25 hours: the clock goes from 02:00 back to 01:00.
    ['the day the clock goes back', 'America/New_York', '2026-11-01T12:00:00Z', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', '2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
  ])('%s', (_case, timeZone, sendAt, dayStart, dayEnd, weekStart, weekEnd) => {
    const periods = capPeriods(new Date(sendAt), timeZone);
    expect(periods.dayStart.toISOString()).toBe(dayStart);
    expect(periods.dayEnd.toISOString()).toBe(dayEnd);
    expect(periods.weekStart.toISOString()).toBe(weekStart);
    expect(periods.weekEnd.toISOString()).toBe(weekEnd);
  });

  it('starts counters from recorded sends', () => {
    const counters = capCounters({ ...base, recorded: { allDay: 2, allWeek: 5, channelDay: 1, channelWeek: 4 } });
    expect(counters.map((counter) => counter.initial)).toEqual([2, 5, 1]);
  });
});

describe('capPeriods cache', () => {
  it('returns fresh dates for a cached day', () => {
    const first = capPeriods(new Date('2026-12-04T12:00:00Z'), 'Europe/Berlin');
    first.dayStart.setTime(0);
    const second = capPeriods(new Date('2026-12-04T13:00:00Z'), 'Europe/Berlin');
    expect(second.dayStart.toISOString()).toBe('2026-12-03T23:00:00.000Z');
    expect(second.weekStart.toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });
});
