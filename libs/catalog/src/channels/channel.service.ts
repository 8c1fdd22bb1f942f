import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { NotFoundError, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { checkContentForKind, DEFAULT_RECIPIENT_ATTRIBUTE, type ChannelKind } from '#wayline/delivery';
import { OfferRepository } from '../offers/offer.repository.ts';
import { AuditedCatalogWrite } from '../shared/audited-catalog-write.ts';
import { ChannelRepository, type ChannelChanges } from './channel.repository.ts';
import type { CreateChannelInput, ListChannelsQuery, UpdateChannelInput } from './channel.schemas.ts';
import type { ChannelView } from './channel.view.ts';

/** Admin operations on delivery channels. Channels are deactivated, never deleted. */
@Injectable()
export class ChannelService {
  private readonly logger: Logger;
  private readonly leaseMs: number;

  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(OfferRepository) private readonly offers: OfferRepository,
    @Inject(AuditedCatalogWrite) private readonly audited: AuditedCatalogWrite,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.leaseMs = config.delivery.leaseMs;
    this.logger = rootLogger.child({ context: ChannelService.name });
  }

  /**
   * Creates a channel; e-mail and SMS channels without a recipient attribute get their kind's default.
   *
   * @throws ValidationError on `timeoutMs` when it is not below the delivery lease.
   * @throws ConflictError when the name is taken.
   */
  async create(input: CreateChannelInput): Promise<ChannelView> {
    this.requireTimeoutBelowLease(input.timeoutMs);
    const channel = await this.audited.save({ action: 'create', entityType: 'channel', entityKey: byName, before: null }, (tx) =>
      this.channels.create({ ...input, recipientAttribute: input.recipientAttribute ?? defaultRecipient(input.kind) }, tx),
    );
    // The log line records only whether there is a secret, never the secret.
    this.logger.info({ channelId: channel.id, channel: channel.name, kind: channel.kind, signed: channel.hasSigningSecret }, 'Created channel');
    return channel;
  }

  list(query: ListChannelsQuery): Promise<ChannelView[]> {
    return this.channels.list({ active: query.active });
  }

  /** @throws NotFoundError when no channel has that name. */
  async get(name: string): Promise<ChannelView> {
    const channel = await this.channels.findByName(name);
    if (channel === null) {
      throw new NotFoundError('Channel', name);
    }
    return channel;
  }

  /**
   * @throws NotFoundError when no channel has that name.
   * @throws ValidationError on `timeoutMs` when it is not below the delivery lease, on
   *   `recipientAttribute` when it is set on a webhook channel,
   *   or on `kind` when an active offer of the channel lacks the content the new kind sends.
   */
  async update(name: string, changes: UpdateChannelInput): Promise<ChannelView> {
    this.requireTimeoutBelowLease(changes.timeoutMs);
    const channel = await this.get(name);
    const kind = changes.kind ?? channel.kind;
    const data: ChannelChanges = { ...changes };
    if (kind === 'webhook') {
      if (changes.recipientAttribute !== undefined && changes.recipientAttribute !== null) {
        throw ValidationError.forField('recipientAttribute', 'applies only to email and sms channels');
      }
      data.recipientAttribute = null;
    } else if (changes.recipientAttribute === null || (changes.recipientAttribute === undefined && kind !== channel.kind)) {
      // A null, or a new kind without a recipient named, falls back to the kind's default attribute.
      data.recipientAttribute = defaultRecipient(kind);
    }
    if (kind !== channel.kind) {
      await this.requireOffersFitKind(channel, kind);
    }
    const updated = await this.audited.save({ action: 'update', entityType: 'channel', entityKey: byName, before: channel }, (tx) =>
      this.channels.update(channel.id, data, tx),
    );
    this.logger.info({ channelId: updated.id, channel: updated.name, changed: Object.keys(changes) }, 'Updated channel');
    return updated;
  }

  /**
   * Rejects a timeout that reaches the delivery lease, because a send that outlives its
   * lease can be claimed and sent again by another worker.
   */
  private requireTimeoutBelowLease(timeoutMs: number | null | undefined): void {
    if (typeof timeoutMs === 'number' && timeoutMs >= this.leaseMs) {
      throw ValidationError.forField('timeoutMs', `must be below the delivery lease of ${this.leaseMs} ms (WAYLINE_DELIVERY_LEASE_MS)`);
    }
  }

  /** Rejects a kind change that would leave an active offer without the fields the new kind sends. */
  private async requireOffersFitKind(channel: ChannelView, kind: ChannelKind): Promise<void> {
    const offers = await this.offers.list({ channelName: channel.name, active: true });
    for (const offer of offers) {
      const problem = checkContentForKind(kind, offer.content)[0];
      if (problem !== undefined) {
        throw ValidationError.forField(
          'kind',
          `active offer '${offer.name}' does not fit a ${kind} channel: content.${problem.path} ${problem.message}; update or deactivate the offer first`,
        );
      }
    }
  }

  /**
   * Marks the channel inactive. Its offers stay as they are, but no campaign sends them
   * until the channel is active again.
   *
   * @throws NotFoundError when no channel has that name.
   */
  async deactivate(name: string): Promise<ChannelView> {
    const channel = await this.get(name);
    const updated = await this.audited.save({ action: 'deactivate', entityType: 'channel', entityKey: byName, before: channel }, (tx) =>
      this.channels.update(channel.id, { active: false }, tx),
    );
    this.logger.info({ channelId: updated.id, channel: updated.name }, 'Deactivated channel');
    return updated;
  }
}

const byName = (channel: ChannelView): string => channel.name;

function defaultRecipient(kind: ChannelKind): string | null {
  return kind === 'webhook' ? null : DEFAULT_RECIPIENT_ATTRIBUTE[kind];
}
