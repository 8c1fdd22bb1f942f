export * from './api-key-audit.ts';
export * from './api-key.schemas.ts';
export * from './api-key.secret.ts';
export * from './api-key.service.ts';
export * from './api-key.verifier.ts';
export * from './admin-key.bootstrap.ts';
