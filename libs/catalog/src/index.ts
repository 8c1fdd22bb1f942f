export * from './catalog.module.ts';
export * from './catalog.service.ts';
export * from './catalog-query.service.ts';

export * from './channels/channel.schemas.ts';
export * from './channels/channel.service.ts';
export * from './channels/channel.view.ts';
export * from './offers/offer.schemas.ts';
export * from './offers/offer.service.ts';
export * from './offers/offer.view.ts';
export * from './campaigns/campaign.schemas.ts';
export * from './campaigns/campaign-policy.schemas.ts';
export * from './campaigns/campaign.service.ts';
export * from './campaigns/campaign.view.ts';

export * from './rules/eligibility-rule.ts';
export * from './rules/eligibility-rule.evaluator.ts';
export * from './rules/eligibility-rule.schema.ts';
export * from './rules/eligibility-rule.trace.ts';
export { validateEligibilityRule, collectRuleVariables, ELIGIBILITY_OPERATORS } from './rules/eligibility-rule.validator.ts';

export { SLUG_PATTERN } from './shared/input-schemas.ts';
export { withProblemPathPrefix } from './shared/problem-paths.ts';
