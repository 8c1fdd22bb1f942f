export * from './live-store.ts';
export * from './memory-live-store.ts';
export * from './redis-live-store.ts';
export * from './live-store.factory.ts';
export * from './live-store.module.ts';
export * from './change-signal.ts';
