import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from '#wayline/audit';
import { ChannelService } from '#wayline/catalog';
import { customerIdSchema, NotFoundError, parseInput, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { ContactPolicyRepository, type ChannelContactPolicy, type CustomerConsentRow, type GlobalContactPolicy } from './contact-policy.repository.ts';
import {
  channelContactPolicyInputSchema,
  consentInputSchema,
  contactPolicyInputSchema,
  customerTimeZoneInputSchema,
} from './contact-policy.schemas.ts';
import { formatClockTime } from './quiet-hours.ts';

/** The global policy as the API shows it, with quiet hours as `HH:MM`. */
export interface ContactPolicyResponse {
  maxPerDay: number | null;
  maxPerWeek: number | null;
  quietHours: { start: string; end: string } | null;
  cooldownHours: number | null;
  defaultTimeZone: string;
  updatedAt: Date | null;
  /** Channels with their own policy; every other channel has no caps and needs no consent. */
  channels: ChannelContactPolicy[];
}

export interface CustomerConsentResponse {
  customerId: string;
  /** The customer's own time zone, or null when the policy's default applies. */
  timeZone: string | null;
  channels: CustomerConsentRow[];
}

/** Admin operations on the contact policy, and each customer's time zone and consent. */
@Injectable()
export class ContactSettingsService {
  private readonly logger: Logger;

  constructor(
    @Inject(ContactPolicyRepository) private readonly repository: ContactPolicyRepository,
    @Inject(ChannelService) private readonly channels: ChannelService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ContactSettingsService.name });
  }

  async getPolicy(): Promise<ContactPolicyResponse> {
    const [policy, channels] = await Promise.all([this.repository.findGlobal(), this.repository.listChannelPolicies()]);
    return toPolicyResponse(policy, channels);
  }

  /** Replaces the global policy; fields left out of the body return to their defaults. */
  async replacePolicy(body: unknown): Promise<ContactPolicyResponse> {
    const input = parseInput(contactPolicyInputSchema, body, 'body');
    await this.audit.inTransaction(async (tx) => {
      const before = await this.repository.findGlobal(tx);
      await this.repository.saveGlobal(input, tx);
      const after = await this.repository.findGlobal(tx);
      await this.audit.record(tx, { action: before.updatedAt === null ? 'create' : 'update', entityType: 'contact-policy', entityKey: 'global', before: orNull(before), after });
    });
    await this.repository.announceChange();
    this.logger.info({ changed: 'contact-policy' }, 'Replaced the contact policy');
    return this.getPolicy();
  }

  /** @throws NotFoundError when no channel has that name. */
  async getChannelPolicy(name: string): Promise<ChannelContactPolicy> {
    const channel = await this.channels.get(name);
    return this.repository.findChannelPolicy(channel.id, channel.name);
  }

  /** @throws NotFoundError when no channel has that name. */
  async replaceChannelPolicy(name: string, body: unknown): Promise<ChannelContactPolicy> {
    const channel = await this.channels.get(name);
    const input = parseInput(channelContactPolicyInputSchema, body, 'body');
    await this.audit.inTransaction(async (tx) => {
      const before = await this.repository.findChannelPolicy(channel.id, channel.name, tx);
      await this.repository.saveChannelPolicy(channel.id, input, tx);
      const after = await this.repository.findChannelPolicy(channel.id, channel.name, tx);
      await this.audit.record(tx, {
        action: before.updatedAt === null ? 'create' : 'update',
        entityType: 'channel-contact-policy',
        entityKey: channel.name,
        entityId: channel.id,
        before: orNull(before),
        after,
      });
    });
    await this.repository.announceChange();
    this.logger.info({ channelId: channel.id, channel: channel.name }, 'Replaced the contact policy of a channel');
    return this.repository.findChannelPolicy(channel.id, channel.name);
  }

  /** Removes the channel's own policy, so it has no caps and needs no consent. @throws NotFoundError when no channel has that name. */
  async deleteChannelPolicy(name: string): Promise<ChannelContactPolicy> {
    const channel = await this.channels.get(name);
    const deleted = await this.audit.inTransaction(async (tx) => {
      const before = await this.repository.findChannelPolicy(channel.id, channel.name, tx);
      if (!(await this.repository.deleteChannelPolicy(channel.id, tx))) {
        return false;
      }
      await this.audit.record(tx, { action: 'delete', entityType: 'channel-contact-policy', entityKey: channel.name, entityId: channel.id, before, after: null });
      return true;
    });
    if (deleted) {
      await this.repository.announceChange();
    }
    this.logger.info({ channelId: channel.id, channel: channel.name }, 'Removed the contact policy of a channel');
    return this.repository.findChannelPolicy(channel.id, channel.name);
  }

  /** @throws NotFoundError when the customer is unknown. */
  async getConsent(customerId: string): Promise<CustomerConsentResponse> {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const customer = await this.repository.findCustomerTimeZone(customerId);
    if (customer === null) {
      throw new NotFoundError('Customer', customerId);
    }
    return { customerId, timeZone: customer.timeZone, channels: await this.repository.listConsents(customerId) };
  }

  /**
   * Sets the consent of each channel in the body; channels left out keep theirs. A
   * customer without events yet is created, so consent can arrive before any event.
   */
  async putConsent(customerId: string, body: unknown): Promise<CustomerConsentResponse> {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const input = parseInput(consentInputSchema, body, 'body');
    const consents = [];
    for (const [name, status] of Object.entries(input.channels)) {
      try {
        consents.push({ channelId: (await this.channels.get(name)).id, status });
      } catch (error) {
        if (error instanceof NotFoundError) {
          throw ValidationError.forField(`body.channels.${name}`, `no channel is named '${name}'; create it with POST /v1/admin/channels`);
        }
        throw error;
      }
    }
    await this.repository.saveConsents(customerId, consents);
    this.logger.info({ channels: Object.keys(input.channels) }, 'Updated the consent of a customer');
    return this.getConsent(customerId);
  }

  /** Sets or clears (null) the customer's time zone, creating a customer without events yet. */
  async putTimeZone(customerId: string, body: unknown): Promise<CustomerConsentResponse> {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const { timeZone } = parseInput(customerTimeZoneInputSchema, body, 'body');
    await this.repository.saveCustomerTimeZone(customerId, timeZone);
    this.logger.info({ cleared: timeZone === null }, 'Updated the time zone of a customer');
    return this.getConsent(customerId);
  }
}

/** Returns null for a policy that was never saved (no `updatedAt`), so its first save is recorded as a create. */
function orNull<Policy extends { updatedAt: Date | null }>(policy: Policy): Policy | null {
  return policy.updatedAt === null ? null : policy;
}

function toPolicyResponse(policy: GlobalContactPolicy, channels: ChannelContactPolicy[]): ContactPolicyResponse {
  return {
    maxPerDay: policy.maxPerDay,
    maxPerWeek: policy.maxPerWeek,
    quietHours: policy.quietHours === null ? null : { start: formatClockTime(policy.quietHours.start), end: formatClockTime(policy.quietHours.end) },
    cooldownHours: policy.cooldownHours,
    defaultTimeZone: policy.defaultTimeZone,
    updatedAt: policy.updatedAt,
    channels,
  };
}
