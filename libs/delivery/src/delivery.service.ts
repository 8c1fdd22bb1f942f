import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { WaylineMetrics } from '#wayline/observability';
import { OutreachMessageRepository, type ClaimedMessage, type SentMessage } from './outreach-message.repository.ts';
import { hasReachedMaxAttempts, nextAttemptDelayMs, shouldRetry, type RandomSource } from './retry-policy.ts';
import { describeWebhookFailure } from './webhook-result.ts';
import { WebhookSender } from './webhook.sender.ts';
import { buildRequestBody } from './adapters/channel-adapter.ts';
import type { SendRecheck, SendRecheckVerdict } from './send-recheck.ts';

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

      const outcomes = await this.deliverBatch(batch, clock);
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

  /**
   * Delivers a claimed batch and returns each message's outcome, in batch order. The
   * batch shares its database work: the claim already reports which customers converted,
   * one re-check covers every message that gets that far, and one update records every
   * delivery once all the sends have settled.
   *
   * NOTE: a delivery is recorded when the slowest send of its batch has settled, not
   * right after its own request: up to one webhook timeout later, plus the writes of the
   * batch's other results. A worker
   * that dies in between leaves the message `sending`, and it is sent again once its
   * lease expires, as it already was when the worker died between the request and the
   * update: delivery stays at least once, and only that window grows. The update still
   * comes before the lease ends, because the lease must be longer than the timeout (the
   * constructor warns otherwise).
   */
  private async deliverBatch(batch: ClaimedMessage[], clock: () => Date): Promise<Array<PromiseSettledResult<MessageOutcome>>> {
    if (batch.length === 0) {
      return [];
    }
    const now = clock();
    const stops = batch.map((message) => this.screen(message, now));
    const verdicts = this.recheckAll(batch.filter((_, index) => stops[index] === null), now);
    const attempts = await Promise.allSettled(batch.map((message, index) => stops[index] ?? this.sendChecked(message, verdicts, clock)));

    const delivered: SentMessage[] = [];
    for (const attempt of attempts) {
      if (attempt.status === 'fulfilled' && typeof attempt.value !== 'string') {
        delivered.push(attempt.value);
      }
    }
    let owned = new Set<string>();
    let markError: { error: unknown } | null = null;
    try {
      owned = await this.messages.markSent(delivered);
    } catch (error) {
      markError = { error };
    }

    return attempts.map((attempt, index): PromiseSettledResult<MessageOutcome> => {
      if (attempt.status === 'rejected') {
        return attempt;
      }
      if (typeof attempt.value === 'string') {
        return { status: 'fulfilled', value: attempt.value };
      }
      if (markError !== null) {
        return { status: 'rejected', reason: markError.error };
      }
      const message = batch[index]!;
      return { status: 'fulfilled', value: owned.has(message.id) ? 'sent' : this.leaseLost(message, 'sent') };
    });
  }

  /**
   * Runs the checks that need no further query: the attempt limit, the grace period and
   * a conversion since the decision. Returns the outcome of a message that must not be
   * sent, or null when it goes on to the contact policy re-check.
   */
  private screen(message: ClaimedMessage, now: Date): Promise<MessageOutcome> | null {
    const { maxAttempts, graceMs } = this.settings;

    // A claim past the maximum means the previous owner died during the last allowed
    // attempt. Sending again would exceed the limit, and a message that keeps killing
    // its worker would otherwise be retried forever.
    if (message.attempts > maxAttempts) {
      const error = `lease expired during the last of ${maxAttempts} attempts`;
      return this.park(message, error, 'The worker sending this outreach message stopped during its last attempt');
    }

    const lateByMs = now.getTime() - message.dueAt.getTime();
    if (lateByMs > graceMs) {
      const reason = `due at ${message.dueAt.toISOString()}, ${Math.round(lateByMs / 1000)} s ago, which is past the grace period of ${Math.round(graceMs / 1000)} s`;
      return this.settle(message, 'skipped', reason);
    }

    if (message.convertedSinceDecision) {
      return this.settle(message, 'cancelled', 'the customer converted after the decision');
    }
    return null;
  }

  /**
   * Checks `messages` against the contact policy (consent, cooldown, quiet hours, caps)
   * in one call. Resolves to each message's verdict by message id.
   */
  private async recheckAll(messages: ClaimedMessage[], now: Date): Promise<Map<string, SendRecheckVerdict>> {
    if (this.recheck === null || messages.length === 0) {
      return new Map();
    }
    const verdicts = await this.recheck.recheckBatchBeforeSend(
      messages.map((message) => ({ customerId: message.customerId, channel: message.channel.name, sendAt: message.sendAt, now })),
    );
    if (verdicts.length !== messages.length) {
      throw new Error(`The contact policy re-check returned ${verdicts.length} verdicts for ${messages.length} outreach messages`);
    }
    return new Map(messages.map((message, index) => [message.id, verdicts[index]!]));
  }

  /**
   * Applies the message's re-check verdict, then renders and sends it. Returns the
   * delivery to record when the webhook accepted it, or the outcome otherwise.
   */
  private async sendChecked(message: ClaimedMessage, verdicts: Promise<Map<string, SendRecheckVerdict>>, clock: () => Date): Promise<MessageOutcome | SentMessage> {
    const { maxAttempts, backoffMs, timeoutMs } = this.settings;

    // Without a contact policy, only the screen and the templates stop a message.
    const verdict = (await verdicts).get(message.id) ?? { action: 'send' };
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
      return { claim: message, sentAt: clock() };
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
