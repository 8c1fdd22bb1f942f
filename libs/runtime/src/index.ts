export * from './runtime.ts';
export * from './core.module.ts';
export * from './run-main.ts';
export * from './graceful-shutdown.ts';
