import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { ChangeSignal, LIVE_STORE, type LiveStore } from '#wayline/live-store';

/** Live store channel announcing a change of the global or a channel's contact policy. */
export const CONTACT_POLICY_CHANGED_CHANNEL = 'contact-policy:changed';
/** Live store channel announcing a new propensity or uplift model version. */
export const MODELS_CHANGED_CHANNEL = 'models:changed';

/**
 * Tells every replica that settings the decisions keep in memory changed: the contact
 * policies, and the model versions in force. Writers announce after their commit.
 */
@Injectable()
export class DecisioningChanges implements OnModuleInit, OnModuleDestroy {
  readonly contactPolicy: ChangeSignal;
  readonly models: ChangeSignal;

  constructor(@Inject(LIVE_STORE) liveStore: LiveStore, @Inject(ROOT_LOGGER) rootLogger: Logger) {
    const logger = rootLogger.child({ context: DecisioningChanges.name });
    this.contactPolicy = new ChangeSignal(liveStore, CONTACT_POLICY_CHANGED_CHANNEL, logger);
    this.models = new ChangeSignal(liveStore, MODELS_CHANGED_CHANNEL, logger);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.contactPolicy.start(), this.models.start()]);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.contactPolicy.stop(), this.models.stop()]);
  }
}
