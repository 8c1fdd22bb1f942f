import type { Logger } from 'pino';
import type { AppConfig } from '#wayline/config';
import type { Database } from '#wayline/database';
import { DeliveryService, OutreachMessageRepository, WebhookSender, type RandomSource, type SendRecheck } from '#wayline/delivery';

export interface DeliveryHarness {
  repository: OutreachMessageRepository;
  service: DeliveryService;
}

export interface HarnessOptions {
  logger: Logger;
  /** Replaces settings of `config.delivery`, such as a shorter timeout. */
  delivery?: Partial<AppConfig['delivery']>;
  /** Jitter source. The default of 0.5 puts every retry at half the backoff ceiling. */
  random?: RandomSource;
  /** Contact policy checked before each send, as the worker sets it; none by default. */
  recheck?: SendRecheck;
}

/** Builds the delivery service over `database` the way DeliveryModule wires it, without a Nest app. */
export function createDeliveryHarness(database: Database, config: AppConfig, options: HarnessOptions): DeliveryHarness {
  const repository = new OutreachMessageRepository(database.prisma, database.sql);
  const serviceConfig: AppConfig = { ...config, delivery: { ...config.delivery, ...options.delivery } };
  const service = new DeliveryService(
    repository,
    new WebhookSender(),
    serviceConfig,
    options.logger,
    options.random ?? (() => 0.5),
  );
  if (options.recheck !== undefined) {
    service.useSendRecheck(options.recheck);
  }
  return { repository, service };
}
