export * from './scoring/index.ts';
export * from './customer-journey.repository.ts';
export * from './customer-score-row.ts';
export * from './journey-scoring.service.ts';
export * from './journey-query.service.ts';
export * from './live-feed/index.ts';
export * from './journeys.module.ts';
