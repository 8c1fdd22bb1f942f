export * from './roles.ts';
export * from './request-context.ts';
export * from './access.decorators.ts';
export * from './access-rule.ts';
export * from './rate-limit/index.ts';
export * from './access.module.ts';
export * from './api-keys/index.ts';
