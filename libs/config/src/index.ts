export * from './env.schema.ts';
export * from './app-config.ts';
export * from './config.module.ts';
