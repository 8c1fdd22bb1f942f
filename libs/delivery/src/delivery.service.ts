import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { WaylineMetrics } from '#wayline/observability';
import { OutreachMessageRepository, type ClaimedMessage } from './outreach-message.repository.ts';
import { hasReachedMaxAttempts, nextAttemptDelayMs, shouldRetry, type RandomSource } from './retry-policy.ts';
import { describeWebhookFailure } from './webhook-result.ts';
import { WebhookSender } from './webhook.sender.ts';
import { buildRequestBody } from './adapters/channel-adapter.ts';
import type { SendRecheck } from './send-recheck.ts';

/** Nest injection token for the {@link RandomSource} behind the retry jitter. */
export const DELIVERY_RANDOM_SOURCE = Symbol('DELIVERY_RANDOM_SOURCE');

/**
 * Maximum number of messages one process sends at once, and the claim size. Every
 * claimed message starts sending right away, so none waits for a free slot while its
 * lease runs down.
 */
export const DELIVERY_CONCURRENCY = 8;

/** Time after which a tick stops claiming new batches, in milliseconds. */
export const DEFAULT_TICK_BUDGET_MS = 10_000;

/**
 * Counts for one tick. `claimed` can exceed the sum of the others, because a message
 * whose lease another worker took over before its result was written counts only as
 * claimed.
 */
export interface DeliveryTickResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Stopped by the re-check before sending: converted, opted out, cooling down, capped, or content that cannot be rendered. */
  cancelled: number;
  /** Due longer ago than the grace period. */
  skipped: number;
  /** Put back until the quiet hours end, without counting an attempt. */
  deferred: number;
}

type MessageOutcome = Exclude<keyof DeliveryTickResult, 'claimed'> | 'lease-lost';

@Injectable()
export class DeliveryService {
  private readonly logger: Logger;
  private readonly settings: AppConfig['delivery'];
  private recheck: SendRecheck | null = null;
  /** Absent where no metrics registry is provided, such as unit tests that build the service alone. */
  @Optional() @Inject(WaylineMetrics) private readonly metrics?: WaylineMetrics;

  constructor(
    @Inject(OutreachMessageRepository) private readonly messages: OutreachMessageRepository,
    @Inject(WebhookSender) private readonly sender: WebhookSender,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Inject(DELIVERY_RANDOM_SOURCE) private readonly random: RandomSource,
  ) {
    this.settings = config.delivery;
    this.logger = rootLogger.child({ context: DeliveryService.name });
    if (this.settings.leaseMs <= this.settings.timeoutMs) {
      this.logger.warn(
        { leaseMs: this.settings.leaseMs, timeoutMs: this.settings.timeoutMs },
        'The delivery lease is not longer than the webhook timeout, so another worker may claim and send a message that is still being sent; set WAYLINE_DELIVERY_LEASE_MS well above WAYLINE_DELIVERY_TIMEOUT_MS',
      );
    }
  }

  /**
   * Sets the contact policy that every message is checked against right before it is
   * sent. The worker sets it at start; without one, only the conversion check, the
   * grace period and the templates stop a message.
   */
  useSendRecheck(recheck: SendRecheck): void {
    this.recheck = recheck;
  }

  /**
   * Sends every outreach message that is due, in batches of {@link DELIVERY_CONCURRENCY},
   * until a batch comes back short or `budgetMs` of real time has passed. `now` is the
   * time the tick starts at. Each later step uses `now` plus the real time elapsed since
   * then, so a lease always starts when its batch is claimed, and a test can move the
   * clock forward by passing a later `now`. Once `stopping` returns true, no further batch
   * is claimed, so a shutdown waits for the batch being sent and no more.
   *
   * @throws AggregateError with the errors of a batch (such as a lost database
   *   connection), once every message of that batch has settled. The affected messages
   *   stay `sending` and are claimed again when their lease expires.
   */
  async deliverDue(now: Date = new Date(), budgetMs = DEFAULT_TICK_BUDGET_MS, stopping: () => boolean = () => false): Promise<DeliveryTickResult> {
    const startedAt = performance.now();
    const clock = (): Date => new Date(now.getTime() + (performance.now() - startedAt));
    const result: DeliveryTickResult = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 };

    for (;;) {
      const batch = await this.messages.claimDue(clock(), DELIVERY_CONCURRENCY, this.settings.leaseMs);
      result.claimed += batch.length;

      const outcomes = await Promise.allSettled(batch.map((message) => this.deliver(message, clock)));
      const errors: unknown[] = [];
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome.status === 'rejected') {
          errors.push(outcome.reason);
        } else if (outcome.value !== 'lease-lost') {
          result[outcome.value] += 1;
          this.metrics?.countDelivery(batch[index]!.channel.kind, outcome.value);
        }
      }
      if (errors.length > 0) {
        throw new AggregateError(errors, `Failed to deliver ${errors.length} of ${batch.length} claimed outreach messages`);
      }

      const drained = batch.length < DELIVERY_CONCURRENCY;
      if (drained || performance.now() - startedAt >= budgetMs || stopping()) {
        return result;
      }
    }
  }

  private async deliver(message: ClaimedMessage, clock: () => Date): Promise<MessageOutcome> {
    const { maxAttempts, backoffMs, timeoutMs } = this.settings;

    // A claim past the maximum means the previous owner died during the last allowed
    // attempt. Sending again would exceed the limit, and a message that keeps killing
    // its worker would otherwise be retried forever.
    if (message.attempts > maxAttempts) {
      const error = `lease expired during the last of ${maxAttempts} attempts`;
      return this.park(message, error, 'The worker sending this outreach message stopped during its last attempt');
    }

    const lateByMs = clock().getTime() - message.dueAt.getTime();
    if (lateByMs > this.settings.graceMs) {
      const reason = `due at ${message.dueAt.toISOString()}, ${Math.round(lateByMs / 1000)} s ago, which is past the grace period of ${Math.round(this.settings.graceMs / 1000)} s`;
      return this.settle(message, 'skipped', reason);
    }

    const stop = await this.recheckBeforeSend(message, clock());
    if (stop !== null) {
      return stop;
    }

    const request = buildRequestBody(message.channel, message.payload);
    if (!request.ok) {
      return this.settle(message, 'cancelled', request.reason);
    }

    const result = await this.sender.send({
      url: message.webhookUrl,
      messageId: message.id,
      payload: request.body,
      timeoutMs: message.channel.timeoutMs ?? timeoutMs,
      signingSecret: message.channel.signingSecret,
      now: clock(),
    });

    if (result.kind === 'delivered') {
      const owned = await this.messages.markSent(message, clock());
      return owned ? 'sent' : this.leaseLost(message, 'sent');
    }

    const error = describeWebhookFailure(result);
    if (!shouldRetry(result)) {
      return this.park(message, error, 'Outreach message delivery failed with a permanent error');
    }
    if (hasReachedMaxAttempts(message.attempts, maxAttempts)) {
      return this.park(message, error, `Outreach message delivery failed ${message.attempts} times`);
    }

    const delayMs = nextAttemptDelayMs(message.attempts, backoffMs, this.random);
    const nextAttemptAt = new Date(clock().getTime() + delayMs);
    const owned = await this.messages.scheduleRetry(message, nextAttemptAt, error);
    if (!owned) {
      return this.leaseLost(message, 'retry');
    }
    this.logger.warn(
      { ...logContext(message), error, delayMs, nextAttemptAt },
      'Outreach message delivery failed with a transient error, so it will be retried',
    );
    return 'retried';
  }

  /**
   * Checks what may have changed since the decision: a conversion, then the contact
   * policy (consent, cooldown, quiet hours, caps). Returns the outcome when the message
   * must not be sent now, or null to send it.
   */
  private async recheckBeforeSend(message: ClaimedMessage, now: Date): Promise<MessageOutcome | null> {
    if (await this.messages.hasConvertedSince(message)) {
      return this.settle(message, 'cancelled', 'the customer converted after the decision');
    }
    if (this.recheck === null) {
      return null;
    }
    const verdict = await this.recheck.recheckBeforeSend({
      customerId: message.customerId,
      channel: message.channel.name,
      sendAt: message.sendAt,
      now,
    });
    if (verdict.action === 'cancel') {
      return this.settle(message, 'cancelled', verdict.reason);
    }
    if (verdict.action === 'defer') {
      const owned = await this.messages.defer(message, verdict.until);
      if (!owned) {
        return this.leaseLost(message, 'deferred');
      }
      this.logger.info({ ...logContext(message), until: verdict.until, reason: verdict.reason }, 'Deferred an outreach message');
      return 'deferred';
    }
    return null;
  }

  /** Ends the message as cancelled or skipped with `reason`, which must not contain personal data. */
  private async settle(message: ClaimedMessage, status: 'cancelled' | 'skipped', reason: string): Promise<MessageOutcome> {
    const owned = status === 'cancelled'
      ? await this.messages.markCancelled(message, reason)
      : await this.messages.markSkipped(message, reason);
    if (!owned) {
      return this.leaseLost(message, status);
    }
    this.logger.info({ ...logContext(message), reason }, status === 'cancelled' ? 'Cancelled an outreach message before sending' : 'Skipped an outreach message that was due too long ago');
    return status;
  }

  private async park(message: ClaimedMessage, error: string, reason: string): Promise<MessageOutcome> {
    const owned = await this.messages.markFailed(message, error);
    if (!owned) {
      return this.leaseLost(message, 'failed');
    }
    this.logger.error({ ...logContext(message), error }, `${reason}, so it is parked as failed`);
    return 'failed';
  }

  private leaseLost(message: ClaimedMessage, result: 'sent' | 'retry' | 'failed' | 'cancelled' | 'skipped' | 'deferred'): MessageOutcome {
    this.logger.warn(
      { ...logContext(message), result, lockedUntil: message.lockedUntil },
      'Another worker claimed this outreach message after its lease expired, so this result was not recorded',
    );
    return 'lease-lost';
  }
}

/** Ids only: the payload and the webhook URL may contain personal data or secrets. */
function logContext(message: ClaimedMessage): Record<string, unknown> {
  return {
    messageId: message.id,
    decisionId: message.decisionId,
    channelId: message.channelId,
    attempt: message.attempts,
  };
}
