export * from './roles.ts';
export * from './request-context.ts';
export * from './access.decorators.ts';
