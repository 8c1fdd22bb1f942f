export * from './assignment/holdout-assignment.ts';
export * from './decision.repository.ts';
export * from './next-best-offer.service.ts';
export * from './propensity/feature-encoder.ts';
export * from './propensity/logistic-regression.ts';
export * from './propensity/model-metrics.ts';
export * from './propensity/propensity.service.ts';
export * from './decisioning.module.ts';
