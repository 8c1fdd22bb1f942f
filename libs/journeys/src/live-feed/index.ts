export * from './feed-message.ts';
export * from './feed-filter.ts';
export * from './feed-messages.builder.ts';
export * from './live-feed.service.ts';
