export * from './customer-match.ts';
export * from './audience.schemas.ts';
export * from './audience.repository.ts';
export * from './audience.service.ts';
export * from './audiences.module.ts';
