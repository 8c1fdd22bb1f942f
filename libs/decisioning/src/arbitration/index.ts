export * from './arbitration.ts';
export * from './arbitration.service.ts';
export * from './campaign-preview.service.ts';
export * from './offer-budget.ts';
export * from './policy-facts.ts';
export * from './policy-steps.ts';
