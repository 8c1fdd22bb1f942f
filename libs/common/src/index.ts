export * from './domain-errors.ts';
export * from './parse-input.ts';
export * from './logger.ts';
export * from './logging.module.ts';
export * from './nul-character.ts';
export * from './identifier.ts';
export * from './json-depth.ts';
export * from './wall-clock.ts';
