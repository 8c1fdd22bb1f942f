export * from './event.schema.ts';
export * from './event.repository.ts';
export * from './event-ingestion.service.ts';
export * from './events.module.ts';
