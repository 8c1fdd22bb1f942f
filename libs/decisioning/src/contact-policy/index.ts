export * from './cap-counters.ts';
export * from './contact-policy.repository.ts';
export * from './contact-policy.schemas.ts';
export * from './contact-policy.service.ts';
export * from './contact-settings.service.ts';
export * from './cooldown.ts';
export * from './local-time.ts';
export * from './quiet-hours.ts';
