import { pino } from 'pino';
import { MemoryLiveStore } from '#wayline/live-store';
import { RateLimiter } from './rate-limiter.ts';

const SETTINGS = {
  windowSeconds: 60,
  perRole: { admin: 0, marketer: 3, analyst: 3, platform: 100 },
  publicPerIp: 2,
  storeTimeoutMs: 250,
};

function limiterAt(clock: { now: number }): RateLimiter {
  return new RateLimiter(new MemoryLiveStore(() => clock.now), SETTINGS, pino({ level: 'silent' }), () => clock.now);
}

describe('RateLimiter', () => {
  it('allows exactly the limit per window', async () => {
    const clock = { now: Date.UTC(2026, 11, 5, 10, 0, 0) };
    const limiter = limiterAt(clock);
    const bucket = { id: 'key:k1', limit: 3 };

    const allowed = [];
    for (let index = 0; index < 4; index += 1) {
      allowed.push((await limiter.hit(bucket)).allowed);
    }

    expect(allowed).toEqual([true, true, true, false]);
  });

  it('starts a new count in the next window', async () => {
    const clock = { now: Date.UTC(2026, 11, 5, 10, 0, 59, 500) };
    const limiter = limiterAt(clock);
    const bucket = { id: 'key:k1', limit: 1 };
    await limiter.hit(bucket);
    expect((await limiter.hit(bucket)).allowed).toBe(false);

    clock.now += 600;
    const next = await limiter.hit(bucket);

    expect(next.allowed).toBe(true);
    expect(next.remaining).toBe(0);
  });

  it('rounds the reset up to whole seconds', async () => {
    const clock = { now: Date.UTC(2026, 11, 5, 10, 0, 15, 200) };

    const decision = await limiterAt(clock).hit({ id: 'key:k1', limit: 3 });

    expect(decision.resetSeconds).toBe(45);
    expect(decision.remaining).toBe(2);
  });

  it('skips counting at limit 0', async () => {
    const clock = { now: Date.UTC(2026, 11, 5, 10, 0, 0) };
    const store = new MemoryLiveStore(() => clock.now);
    const limiter = new RateLimiter(store, SETTINGS, pino({ level: 'silent' }), () => clock.now);

    const decision = await limiter.hit({ id: 'key:admin', limit: 0 });

    expect(decision.allowed).toBe(true);
    expect(await store.get('rate-limit:key:admin:0')).toBeNull();
    expect(await store.get('rate-limit:key:admin:1')).toBeNull();
  });

  it('chooses the role limit or the client address', () => {
    const limiter = limiterAt({ now: 0 });

    expect(limiter.bucketFor({ keyId: 'k2', role: 'marketer' }, '10.0.0.1')).toEqual({ id: 'key:k2', limit: 3 });
    expect(limiter.bucketFor({ keyId: 'k3', role: 'platform' }, '10.0.0.1')).toEqual({ id: 'key:k3', limit: 100 });
    expect(limiter.bucketFor(undefined, '10.0.0.1')).toEqual({ id: 'ip:10.0.0.1', limit: 2 });
  });
});
