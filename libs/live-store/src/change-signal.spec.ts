import { createRootLogger } from '#wayline/common';
import { ChangeSignal, SignalledCache } from './change-signal.ts';
import { MemoryLiveStore } from './memory-live-store.ts';

const logger = createRootLogger('silent');

/** Resolves after the in-memory store has delivered published messages, which it does on a later tick. */
function delivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ChangeSignal', () => {
  it('bumps its own version on announce', async () => {
    const signal = new ChangeSignal(new MemoryLiveStore(), 'test:changed', logger);

    await signal.announce();

    expect(signal.version).toBe(1);
  });

  it('bumps another subscriber on announce', async () => {
    const store = new MemoryLiveStore();
    const writer = new ChangeSignal(store, 'test:changed', logger);
    const reader = new ChangeSignal(store, 'test:changed', logger);
    await reader.start();

    await writer.announce();
    await delivered();

    expect(reader.version).toBe(1);
  });

  it('ignores other channels and stops on stop', async () => {
    const store = new MemoryLiveStore();
    const reader = new ChangeSignal(store, 'test:changed', logger);
    await reader.start();

    await new ChangeSignal(store, 'test:other', logger).announce();
    await delivered();
    await reader.stop();
    await new ChangeSignal(store, 'test:changed', logger).announce();
    await delivered();

    expect(reader.version).toBe(0);
  });
});

describe('SignalledCache', () => {
  function setUp() {
    const signal = new ChangeSignal(new MemoryLiveStore(), 'test:changed', logger);
    let now = 1_000;
    let loads = 0;
    const cache = new SignalledCache(signal, 500, async () => ++loads, () => now);
    return { signal, cache, advance: (ms: number) => (now += ms), loads: () => loads };
  }

  it('reuses the value while nothing changed', async () => {
    const { cache, advance, loads } = setUp();

    await cache.get();
    advance(499);
    const value = await cache.get();

    expect(value).toBe(1);
    expect(loads()).toBe(1);
  });

  it('loads again after the maximum age', async () => {
    const { cache, advance } = setUp();

    await cache.get();
    advance(500);

    expect(await cache.get()).toBe(2);
  });

  it('loads again after an announced change', async () => {
    const { signal, cache } = setUp();

    await cache.get();
    await signal.announce();

    expect(await cache.get()).toBe(2);
  });

  it('shares one load between concurrent calls', async () => {
    const { cache, loads } = setUp();

    const values = await Promise.all([cache.get(), cache.get(), cache.get()]);

    expect(values).toEqual([1, 1, 1]);
    expect(loads()).toBe(1);
  });

  it('does not keep a failed load', async () => {
    const signal = new ChangeSignal(new MemoryLiveStore(), 'test:changed', logger);
    let attempts = 0;
    const cache = new SignalledCache(signal, 500, async () => {
      attempts += 1;
      if (attempts === 1) {
        throw new Error('database unavailable');
      }
      return attempts;
    });

    await expect(cache.get()).rejects.toThrow('database unavailable');

    expect(await cache.get()).toBe(2);
  });

  it('loads again when a change arrives during a load', async () => {
    const { signal, cache } = setUp();

    const first = cache.get();
    await signal.announce();
    await first;

    expect(await cache.get()).toBe(2);
  });

  describe('with a stale period', () => {
    function setUpStale() {
      const signal = new ChangeSignal(new MemoryLiveStore(), 'test:changed', logger);
      let now = 1_000;
      let loads = 0;
      let release: (() => void) | null = null;
      let failNext = false;
      const cache = new SignalledCache(
        signal,
        500,
        () =>
          new Promise<number>((resolve, reject) => {
            loads += 1;
            const value = loads;
            release = () => (failNext ? reject(new Error('database unavailable')) : resolve(value));
          }),
        () => now,
        1_000,
      );
      return {
        signal,
        cache,
        advance: (ms: number) => (now += ms),
        loads: () => loads,
        finishLoad: async () => {
          release!();
          await new Promise((resolve) => setImmediate(resolve));
        },
        failLoads: () => (failNext = true),
      };
    }

    it('serves the old value during a reload', async () => {
      const { cache, advance, loads, finishLoad } = setUpStale();
      const first = cache.get();
      await finishLoad();
      expect(await first).toBe(1);

      advance(600);
      const during = await Promise.all([cache.get(), cache.get()]);
      expect(during).toEqual([1, 1]);
      expect(loads()).toBe(2);

      await finishLoad();
      expect(await cache.get()).toBe(2);
    });

    it('waits once past the stale period', async () => {
      const { cache, advance, finishLoad } = setUpStale();
      const first = cache.get();
      await finishLoad();
      await first;

      advance(1_500);
      const late = cache.get();
      await finishLoad();

      expect(await late).toBe(2);
    });

    it('keeps the value when a reload fails', async () => {
      const { cache, advance, loads, finishLoad, failLoads } = setUpStale();
      const first = cache.get();
      await finishLoad();
      await first;

      failLoads();
      advance(600);
      expect(await cache.get()).toBe(1);
      await finishLoad();

      expect(await cache.get()).toBe(1);
      expect(loads()).toBe(3);
    });

    it('waits after an announced change', async () => {
      const { signal, cache, finishLoad } = setUpStale();
      const first = cache.get();
      await finishLoad();
      await first;

      await signal.announce();
      const after = cache.get();
      await finishLoad();

      expect(await after).toBe(2);
    });
  });
});
