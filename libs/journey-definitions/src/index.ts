export * from './journey-definition.ts';
export * from './journey-definition.schemas.ts';
export * from './journey-definition.service.ts';
export * from './journey-definitions.module.ts';
export * from './placement/journey-placement.ts';
