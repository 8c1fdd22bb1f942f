export * from './local-clock.ts';
export * from './send-time-histogram.ts';
export * from './send-time-slots.ts';
export * from './send-time-choice.ts';
export * from './send-time.repository.ts';
export * from './send-time.service.ts';
