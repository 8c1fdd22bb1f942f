import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { ChangeSignal, LIVE_STORE, type LiveStore } from '#wayline/live-store';

/** Live store channel on which a process announces that it changed a channel, offer or campaign. */
export const CATALOG_CHANGED_CHANNEL = 'catalog:changed';

/**
 * Tells every replica that the catalog changed, so the copies CatalogQueryService keeps
 * are read again. The catalog repositories announce each committed write.
 */
@Injectable()
export class CatalogChanges implements OnModuleInit, OnModuleDestroy {
  readonly signal: ChangeSignal;

  constructor(@Inject(LIVE_STORE) liveStore: LiveStore, @Inject(ROOT_LOGGER) rootLogger: Logger) {
    this.signal = new ChangeSignal(liveStore, CATALOG_CHANGED_CHANNEL, rootLogger.child({ context: CatalogChanges.name }));
  }

  async onModuleInit(): Promise<void> {
    await this.signal.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.signal.stop();
  }

  announce(): Promise<void> {
    return this.signal.announce();
  }
}
