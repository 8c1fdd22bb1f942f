import { RateLimiter } from '#wayline/access';
import { RedisLiveStore } from '#wayline/live-store';
import { createCapturedLogger, LOG_LEVEL } from '../delivery/captured-logger.ts';
import { FaultProxy } from '../support/fault-proxy.ts';

const redisUrl = process.env.REDIS_URL;
const describeOnRedis = redisUrl ? describe : describe.skip;

const SETTINGS = {
  windowSeconds: 3600,
  perRole: { admin: 2, marketer: 2, analyst: 2, platform: 2 },
  publicPerIp: 2,
  storeTimeoutMs: 200,
};

describeOnRedis('rate limit with Redis down', () => {
  let proxy: FaultProxy;
  let store: RedisLiveStore;

  beforeAll(async () => {
    proxy = await FaultProxy.forUrl(redisUrl!, 6379);
    store = await RedisLiveStore.connect(proxy.rewrite(redisUrl!), `wayline-test:rate-limit-${process.pid}-${Date.now()}:`, { onError: () => {} });
  });

  afterAll(async () => {
    await proxy.accept();
    for (const bucket of ['store-down', 'store-back']) {
      for (const window of [0, 1]) {
        await store.delete(`rate-limit:key:${bucket}:${window}`);
      }
    }
    await store.close();
    await proxy.close();
  });

  it('fails open within the timeout and warns once', async () => {
    const { logger, lines } = createCapturedLogger();
    const limiter = new RateLimiter(store, SETTINGS, logger);
    const bucket = { id: 'key:store-down', limit: 2 };
    await limiter.hit(bucket);
    await limiter.hit(bucket);
    expect((await limiter.hit(bucket)).allowed).toBe(false);

    await proxy.reject();
    const started = Date.now();
    const decisions = [await limiter.hit(bucket), await limiter.hit(bucket)];
    const elapsedMs = Date.now() - started;

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true]);
    expect(decisions.map((decision) => decision.unchecked)).toEqual([true, true]);
    expect(elapsedMs).toBeLessThan(2 * SETTINGS.storeTimeoutMs + 500);
    const warnings = lines.filter((line) => line.level === LOG_LEVEL.warn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/Rate limit not checked because the live store failed/);
    expect(warnings[0]!['bucket']).toBe('key:store-down');
  });

  it('counts again once Redis is back', async () => {
    const limiter = new RateLimiter(store, SETTINGS, createCapturedLogger().logger);
    await proxy.accept();

    const decision = await waitForChecked(() => limiter.hit({ id: 'key:store-back', limit: 2 }));

    expect(decision.unchecked).toBe(false);
    expect(decision.allowed).toBe(true);
  });
});

/** Repeats `hit` until the live store responds again, for at most 10 s. */
async function waitForChecked<T extends { unchecked: boolean }>(hit: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const decision = await hit();
    if (!decision.unchecked || Date.now() > deadline) {
      return decision;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
