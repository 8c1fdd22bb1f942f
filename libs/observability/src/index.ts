export * from './wayline-metrics.ts';
export * from './readiness.service.ts';
export * from './shutdown-state.ts';
export * from './http-drain.ts';
export * from './observability.module.ts';
