export * from './runtime.ts';
export * from './core.module.ts';
