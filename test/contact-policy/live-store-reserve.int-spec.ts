import { randomBytes } from 'node:crypto';
import { MemoryLiveStore, RedisLiveStore, type CounterLimit, type LiveStore } from '#wayline/live-store';
import { waitFor } from '../support/test-app.ts';

const redisUrl = process.env.REDIS_URL;
const HOUR_MS = 3_600_000;

/** The reserve and release contract, run against every live store available to this run. */
const stores: Array<[string, () => Promise<LiveStore>]> = [['memory', async () => new MemoryLiveStore()]];
if (redisUrl) {
  stores.push(['redis', async () => RedisLiveStore.connect(redisUrl, `wayline-test:${randomBytes(6).toString('hex')}:`)]);
}

describe.each(stores)('LiveStore.reserve on the %s store', (_kind, open) => {
  let store: LiveStore;
  const usedKeys = new Set<string>();
  const counter = (key: string, limit: number, ttlMs = HOUR_MS): CounterLimit => {
    usedKeys.add(key);
    return { key, limit, ttlMs };
  };

  beforeAll(async () => {
    store = await open();
  });

  afterAll(async () => {
    for (const key of usedKeys) {
      await store.delete(key);
    }
    await store.close();
  });

  it('grants up to the limit', async () => {
    const results = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      results.push(await store.reserve([counter('up-to-limit', 3)]));
    }
    expect(results.map((result) => result.granted)).toEqual([true, true, true, false]);
    expect(results[3]!.blockedKey).toBe('up-to-limit');
    expect(await store.get('up-to-limit')).toBe('3');
  });

  it('changes no counter when one is full', async () => {
    await store.reserve([counter('all-or-none:full', 1)]);
    const result = await store.reserve([counter('all-or-none:free', 5), counter('all-or-none:full', 1)]);
    expect(result).toEqual({ granted: false, blockedKey: 'all-or-none:full' });
    expect(await store.get('all-or-none:free')).toBeNull();
    expect(await store.get('all-or-none:full')).toBe('1');
  });

  it('blocks everything at limit 0', async () => {
    expect(await store.reserve([counter('limit-zero', 0)])).toEqual({ granted: false, blockedKey: 'limit-zero' });
    expect(await store.get('limit-zero')).toBeNull();
  });

  it('starts a missing counter from its initial value', async () => {
    usedKeys.add('initial');
    const first = await store.reserve([{ key: 'initial', limit: 3, ttlMs: HOUR_MS, initial: 2 }]);
    expect(first.granted).toBe(true);
    expect(await store.get('initial')).toBe('3');
    // The counter exists now, so a different initial value changes nothing.
    const second = await store.reserve([{ key: 'initial', limit: 5, ttlMs: HOUR_MS, initial: 0 }]);
    expect(second.granted).toBe(true);
    expect(await store.get('initial')).toBe('4');
  });

  it('blocks when the initial value is already at the limit', async () => {
    usedKeys.add('initial-full');
    const result = await store.reserve([{ key: 'initial-full', limit: 3, ttlMs: HOUR_MS, initial: 3 }]);
    expect(result).toEqual({ granted: false, blockedKey: 'initial-full' });
    expect(await store.get('initial-full')).toBeNull();
  });

  it('grants an empty reservation', async () => {
    expect(await store.reserve([])).toEqual({ granted: true });
  });

  it('release gives a reservation back', async () => {
    await store.reserve([counter('release:a', 1), counter('release:b', 2)]);
    expect((await store.reserve([counter('release:a', 1)])).granted).toBe(false);
    await store.release(['release:a', 'release:b']);
    expect(await store.get('release:a')).toBe('0');
    expect(await store.get('release:b')).toBe('0');
    expect((await store.reserve([counter('release:a', 1)])).granted).toBe(true);
  });

  it('release never goes below 0 or creates keys', async () => {
    await store.reserve([counter('release-floor', 2)]);
    await store.release(['release-floor', 'release-floor', 'release-never-reserved']);
    expect(await store.get('release-floor')).toBe('0');
    expect(await store.get('release-never-reserved')).toBeNull();
  });

  it('counters expire after their ttl', async () => {
    await store.reserve([counter('expiring', 1, 50)]);
    await waitFor(async () => ((await store.get('expiring')) === null ? true : undefined), 5_000, 'the counter to expire');
    expect((await store.reserve([counter('expiring', 1, 50)])).granted).toBe(true);
  });

  it('never exceeds a limit under 200 concurrent reservations', async () => {
    const attempts = Array.from({ length: 200 }, () => store.reserve([counter('concurrent:day', 7), counter('concurrent:week', 50)]));
    const results = await Promise.all(attempts);
    expect(results.filter((result) => result.granted)).toHaveLength(7);
    expect(await store.get('concurrent:day')).toBe('7');
    expect(await store.get('concurrent:week')).toBe('7');
  });
});

describe('MemoryLiveStore.reserve with a clock', () => {
  it('starts a new counter after expiry', async () => {
    let now = 1_000;
    const store = new MemoryLiveStore(() => now);
    expect((await store.reserve([{ key: 'clocked', limit: 1, ttlMs: 100 }])).granted).toBe(true);
    expect((await store.reserve([{ key: 'clocked', limit: 1, ttlMs: 100 }])).granted).toBe(false);
    now += 100;
    expect((await store.reserve([{ key: 'clocked', limit: 1, ttlMs: 100 }])).granted).toBe(true);
    await store.close();
  });
});
