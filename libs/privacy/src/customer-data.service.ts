import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { customerIdSchema, NotFoundError, parseInput, ROOT_LOGGER } from '#wayline/common';
import { capCounterKeyPrefixes } from '#wayline/decisioning';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { CustomerDataRepository, type CustomerExport, type ErasureCounts } from './customer-data.repository.ts';

/** Prefix of the random ids that erased customers' anonymised rows move to. */
export const ERASED_CUSTOMER_PREFIX = 'erased-';

export interface ErasureResult extends ErasureCounts {
  /** Live-store keys deleted, such as the customer's contact-cap counters. */
  liveStoreKeys: number;
}

/**
 * Export and erasure of one customer's data. Erasure deletes or anonymises every row and
 * live-store key that contains the customer's id or personal data (docs/security.md).
 */
@Injectable()
export class CustomerDataService {
  private readonly logger: Logger;

  constructor(
    @Inject(CustomerDataRepository) private readonly repository: CustomerDataRepository,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'customer-data' });
  }

  /** Returns everything stored about the customer, or throws NotFoundError. */
  async exportCustomer(customerId: string): Promise<CustomerExport & { exportedAt: Date }> {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const data = await this.repository.exportCustomer(customerId);
    if (data === null) {
      throw new NotFoundError('Customer', customerId);
    }
    // The customer id is personal data, so the log line has the counts only.
    this.logger.info({ events: data.events.length, decisions: data.decisions.length }, 'Exported the data of one customer');
    return { ...data, exportedAt: new Date() };
  }

  /**
   * Erases the customer: the database in one transaction, then the live-store keys.
   * Throws NotFoundError for an unknown customer, after deleting any live-store keys
   * left under that id, so a repeat after a live-store failure still finishes the work.
   */
  async erase(customerId: string): Promise<ErasureResult> {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    // No mapping from the customer id to the pseudonym is stored or logged, so the
    // anonymised rows cannot be linked back to the person.
    const counts = await this.repository.erase(customerId, `${ERASED_CUSTOMER_PREFIX}${randomUUID()}`);
    const liveStoreKeys = await this.deleteLiveStoreKeys(customerId);
    if (counts === null) {
      throw new NotFoundError('Customer', customerId);
    }
    this.logger.info({ ...counts, liveStoreKeys }, 'Erased one customer');
    return { ...counts, liveStoreKeys };
  }

  private async deleteLiveStoreKeys(customerId: string): Promise<number> {
    let deleted = 0;
    for (const prefix of capCounterKeyPrefixes(customerId)) {
      for (const key of await this.liveStore.keysWithPrefix(prefix)) {
        await this.liveStore.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
