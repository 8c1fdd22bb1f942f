export * from './customer-data.repository.ts';
export * from './customer-data.service.ts';
export * from './privacy.module.ts';
