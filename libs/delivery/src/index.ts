export * from './outreach-message.repository.ts';
export * from './retry-policy.ts';
export * from './webhook-result.ts';
export * from './webhook.sender.ts';
export * from './delivery.service.ts';
export * from './delivery.module.ts';
