import { createTestStores, type TestStores } from '../support/test-stores.ts';

/** `keysWithPrefix` on the store in use: the in-memory one, or Redis when REDIS_URL is set. */
describe('live store keysWithPrefix', () => {
  let stores: TestStores;

  beforeAll(async () => {
    stores = await createTestStores();
  });

  afterAll(async () => {
    await stores.teardown();
  });

  it('matches glob characters literally', async () => {
    const store = stores.liveStore;
    for (const key of ['glob:a*:1', 'glob:ab:1', 'glob:a?:1', 'glob:[ab]:1', 'glob:a:1', 'glob:a\\:1']) {
      await store.set(key, '1');
    }

    expect(await store.keysWithPrefix('glob:a*:')).toEqual(['glob:a*:1']);
    expect(await store.keysWithPrefix('glob:a?:')).toEqual(['glob:a?:1']);
    expect(await store.keysWithPrefix('glob:[ab]:')).toEqual(['glob:[ab]:1']);
    expect(await store.keysWithPrefix('glob:a\\:')).toEqual(['glob:a\\:1']);
    expect((await store.keysWithPrefix('glob:')).sort()).toEqual(['glob:[ab]:1', 'glob:a*:1', 'glob:a:1', 'glob:a?:1', 'glob:a\\:1', 'glob:ab:1']);
  });

  it('leaves out expired keys', async () => {
    await stores.liveStore.set('expiring:1', '1', 20);
    await stores.liveStore.set('expiring:2', '1');
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(await stores.liveStore.keysWithPrefix('expiring:')).toEqual(['expiring:2']);
  });

  it('returns an empty list when nothing matches', async () => {
    expect(await stores.liveStore.keysWithPrefix('nothing-here:')).toEqual([]);
  });
});
