export * from './statistics/index.ts';
export * from './outcome.schema.ts';
export * from './outcome.repository.ts';
export * from './outcome.service.ts';
export * from './uplift.repository.ts';
export * from './uplift-report.service.ts';
export * from './experiments.module.ts';
