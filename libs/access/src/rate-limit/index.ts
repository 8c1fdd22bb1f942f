export * from './rate-limiter.ts';
export * from './rate-limit.guard.ts';
