export * from './roles.ts';
export * from './request-context.ts';
