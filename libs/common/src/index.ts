export * from './domain-errors.ts';
export * from './parse-input.ts';
export * from './logger.ts';
export * from './logging.module.ts';
