import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { LIVE_STORE, SignalledCache, type LiveStore } from '#wayline/live-store';
import type { SendRecheck, SendRecheckSubject, SendRecheckVerdict } from '#wayline/delivery';
import type { Arm } from '../assignment/holdout-assignment.ts';
import { capCounters, capPeriods, type CapCounter, type CapPeriods, type CapScope, type Caps, type RecordedSends } from './cap-counters.ts';
import { DecisioningChanges } from '../decisioning-changes.ts';
import {
  contactContextOf,
  ContactPolicyRepository,
  type ContactContext,
  type ContactPolicies,
  type CustomerContact,
} from './contact-policy.repository.ts';
import { cooldownEnd, isCoolingDown } from './cooldown.ts';
import { formatClockTime, quietHoursEnd } from './quiet-hours.ts';

export type PolicyCheck = 'consent' | 'cooldown' | 'quiet-hours' | 'cap';

/** One contact policy step of a decision, as recorded in its reasons. */
export interface PolicyReason {
  step: 'policy';
  check: PolicyCheck;
  channel: string;
  /** `deferred`: the message waits for the end of the quiet hours. */
  outcome: 'passed' | 'blocked' | 'deferred';
  detail: string;
  /** For cap checks: the candidate's campaign and arm, because the arm picks the counters. */
  campaign?: string;
  arm?: Arm;
  /** End of a cooldown or of quiet hours, as an ISO 8601 instant. */
  until?: string;
  /** The time zone the local day, week and quiet hours were read in. */
  timeZone?: string;
}

/** The facts of a ranked candidate that the policy checks. */
export interface PolicySubject {
  channel: string;
  campaign: string;
  arm: Arm;
}

/** The first candidate the policy lets through, with its counters already reserved. */
export interface PolicyApproval<Candidate> {
  candidate: Candidate;
  arm: Arm;
  /** Now, or the end of the quiet hours. */
  sendAt: Date;
  /** Gives the reserved counters back; call it when the decision is not recorded. */
  release(): Promise<void>;
}

/**
 * Maximum time a process keeps the contact policies in memory. A change made through this
 * process shows at once, and one made by another replica when its change message arrives.
 * This bound covers a lost message.
 */
export const CONTACT_POLICY_CACHE_MS = 1_000;

/** A customer's contact facts on one channel that the caller has already read. */
export interface PrefetchedContact {
  channel: string;
  contact: CustomerContact;
}

interface ChannelVerdict {
  blocked: boolean;
  sendAt: Date;
  timeZone: string;
  context: ContactContext;
}

/**
 * Applies the contact policy to ranked candidates: consent, cooldown after a negative
 * experience, quiet hours and caps per day and per week. Caps are reserved atomically
 * in the live store, so concurrent decisions for one customer never exceed them.
 */
@Injectable()
export class ContactPolicyService implements SendRecheck {
  private readonly logger: Logger;
  /** Null without change messages, as when a test builds the service by hand: the policies are then read on every check. */
  private readonly policies: SignalledCache<ContactPolicies> | null;

  constructor(
    @Inject(ContactPolicyRepository) private readonly repository: ContactPolicyRepository,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(DecisioningChanges) changes?: DecisioningChanges,
  ) {
    this.logger = rootLogger.child({ context: ContactPolicyService.name });
    this.policies = changes === undefined ? null : new SignalledCache(changes.contactPolicy, CONTACT_POLICY_CACHE_MS, () => this.repository.findPolicies());
  }

  /**
   * Walks the candidates in rank order and returns the first one the policy allows, with
   * one reason per check. Consent, cooldown and quiet hours depend only on the customer
   * and the channel, so they run once per channel. Both arms go through every check, so
   * the control arm is chosen under the same rules as treatment. Treatment reserves the
   * customer's real send counters, and control reserves a separate set with the same caps.
   * `prefetched` saves the query for the customer's facts on that channel.
   */
  async selectCandidate<Candidate>(
    customerId: string,
    candidates: Candidate[],
    describe: (candidate: Candidate) => PolicySubject,
    now: Date,
    prefetched?: PrefetchedContact,
  ): Promise<{ approval: PolicyApproval<Candidate> | null; reasons: PolicyReason[] }> {
    const reasons: PolicyReason[] = [];
    const verdicts = new Map<string, ChannelVerdict>();
    // A full counter blocks every later candidate with the same channel and arm.
    const fullCaps = new Set<string>();

    for (const candidate of candidates) {
      const subject = describe(candidate);
      let verdict = verdicts.get(subject.channel);
      if (verdict === undefined) {
        verdict = await this.checkChannel(customerId, subject.channel, now, reasons, prefetched);
        verdicts.set(subject.channel, verdict);
      }
      if (verdict.blocked) {
        continue;
      }

      const scope: CapScope = subject.arm === 'treatment' ? 'send' : 'control';
      const capKey = `${subject.channel}\u0000${scope}`;
      if (fullCaps.has(capKey)) {
        continue;
      }
      const { policy, channel: channelPolicy } = verdict.context;
      const recorded = hasCaps(policy) || hasCaps(channelPolicy)
        ? await this.repository.countRecordedSends(customerId, subject.channel, capPeriods(verdict.sendAt, verdict.timeZone), scope)
        : undefined;
      const counters = capCounters({
        scope,
        customerId,
        channel: subject.channel,
        sendAt: verdict.sendAt,
        timeZone: verdict.timeZone,
        overall: policy,
        perChannel: channelPolicy,
        recorded,
      });
      const capReason = { step: 'policy', check: 'cap', channel: subject.channel, campaign: subject.campaign, arm: subject.arm, timeZone: verdict.timeZone } as const;
      if (counters.length === 0) {
        reasons.push({ ...capReason, outcome: 'passed', detail: 'no caps apply' });
        return { approval: { candidate, arm: subject.arm, sendAt: verdict.sendAt, release: async () => {} }, reasons };
      }

      const reservation = await this.liveStore.reserve(counters);
      if (!reservation.granted) {
        fullCaps.add(capKey);
        const full = counters.find((counter) => counter.key === reservation.blockedKey)!;
        reasons.push({ ...capReason, outcome: 'blocked', detail: `${describeCap(full, scope)} is reached` });
        continue;
      }
      reasons.push({ ...capReason, outcome: 'passed', detail: `within ${counters.map((counter) => describeCap(counter, scope)).join(', ')}` });
      const keys = counters.map((counter) => counter.key);
      return {
        approval: {
          candidate,
          arm: subject.arm,
          sendAt: verdict.sendAt,
          release: async () => {
            await this.liveStore.release(keys);
            this.logger.info({ channel: subject.channel, counters: keys.length }, 'Released the cap reservation of a decision that was not recorded');
          },
        },
        reasons,
      };
    }
    return { approval: null, reasons };
  }

  /**
   * Checks a claimed batch of scheduled messages again right before they are sent, with
   * the same consent, cooldown and quiet hours rules as the decision, and returns one
   * verdict per subject in the order of `subjects`. Caps are not reserved again, because
   * the decision's reservation already counts each message. Instead a message is
   * cancelled when the customer's recorded messages in the current day or week exceed a
   * cap, which happens when a cap was lowered after the decision.
   *
   * The whole batch costs one query for the customers' contact facts, and one more for
   * the recorded messages while caps are set, instead of one or two per message.
   */
  async recheckBatchBeforeSend(subjects: readonly SendRecheckSubject[]): Promise<SendRecheckVerdict[]> {
    if (subjects.length === 0) {
      return [];
    }
    const [policies, contacts] = await Promise.all([
      this.loadPolicies(),
      this.repository.findCustomerContacts(subjects.map(({ customerId, channel }) => ({ customerId, channel }))),
    ]);

    const verdicts: SendRecheckVerdict[] = [];
    const capped: Array<{ index: number; periods: CapPeriods; context: ContactContext }> = [];
    for (const [index, subject] of subjects.entries()) {
      const { channel, now } = subject;
      const reasons: PolicyReason[] = [];
      const verdict = checkContext(contactContextOf(policies, channel, contacts[index]!), channel, now, reasons);
      const last = reasons[reasons.length - 1]!;
      if (verdict.blocked) {
        verdicts[index] = { action: 'cancel', reason: `${last.check}: ${last.detail}` };
      } else if (verdict.sendAt.getTime() > now.getTime()) {
        verdicts[index] = { action: 'defer', until: verdict.sendAt, reason: `${last.check}: ${last.detail}` };
      } else if (!hasCaps(verdict.context.policy) && !hasCaps(verdict.context.channel)) {
        verdicts[index] = { action: 'send' };
      } else {
        capped.push({ index, periods: capPeriods(now, verdict.timeZone), context: verdict.context });
      }
    }

    if (capped.length > 0) {
      const recorded = await this.repository.countRecordedMessages(
        capped.map(({ index, periods }) => ({ customerId: subjects[index]!.customerId, channel: subjects[index]!.channel, periods })),
      );
      for (const [position, { index, periods, context }] of capped.entries()) {
        verdicts[index] = capVerdict(subjects[index]!, periods, context, recorded[position]!);
      }
    }
    return verdicts;
  }

  /** Runs the checks that depend only on the customer and the channel, and records a reason for each. */
  private async checkChannel(
    customerId: string,
    channel: string,
    now: Date,
    reasons: PolicyReason[],
    prefetched?: PrefetchedContact,
  ): Promise<ChannelVerdict> {
    const context = await this.loadContext(customerId, channel, prefetched);
    return checkContext(context, channel, now, reasons);
  }

  private async loadContext(customerId: string, channel: string, prefetched?: PrefetchedContact): Promise<ContactContext> {
    const [policies, contact] = await Promise.all([
      this.loadPolicies(),
      prefetched?.channel === channel ? prefetched.contact : this.repository.findCustomerContact(customerId, channel),
    ]);
    return contactContextOf(policies, channel, contact);
  }

  private loadPolicies(): Promise<ContactPolicies> {
    return this.policies?.get() ?? this.repository.findPolicies();
  }
}

/**
 * Runs the consent, cooldown and quiet hours checks on one customer's `context` for
 * `channel`, which depend only on the customer and the channel. Records a reason for each.
 */
function checkContext(context: ContactContext, channel: string, now: Date, reasons: PolicyReason[]): ChannelVerdict {
  const timeZone = context.customerTimeZone ?? context.policy.defaultTimeZone;
  const verdict: ChannelVerdict = { blocked: true, sendAt: now, timeZone, context };

  // Consent: an opt-out always blocks, and a channel that requires consent needs a grant.
  const consent = context.consent;
  if (consent === 'opted_out' || (consent === null && context.channel.requiresConsent)) {
    const detail = consent === 'opted_out' ? 'the customer opted out of this channel' : 'the channel requires consent and the customer has not granted it';
    reasons.push({ step: 'policy', check: 'consent', channel, outcome: 'blocked', detail });
    return verdict;
  }
  reasons.push({
    step: 'policy',
    check: 'consent',
    channel,
    outcome: 'passed',
    detail: consent === 'granted' ? 'the customer granted consent' : 'the channel does not require consent and the customer has not opted out',
  });

  const cooldownHours = context.policy.cooldownHours;
  const cooldownUntil = cooldownEnd(context.lastNegativeAt, cooldownHours);
  if (isCoolingDown(now, cooldownUntil)) {
    reasons.push({
      step: 'policy',
      check: 'cooldown',
      channel,
      outcome: 'blocked',
      detail: `a frustrated or angry event at ${context.lastNegativeAt!.toISOString()} starts a ${cooldownHours}-hour cooldown`,
      until: cooldownUntil!.toISOString(),
    });
    return verdict;
  }
  reasons.push({
    step: 'policy',
    check: 'cooldown',
    channel,
    outcome: 'passed',
    detail: cooldownHours === null || cooldownHours === 0 ? 'no cooldown is configured' : `no frustrated or angry event in the last ${cooldownHours} hours`,
  });

  const quiet = context.policy.quietHours;
  const quietEnd = quiet === null ? null : quietHoursEnd(now, timeZone, quiet);
  if (quiet !== null && quietEnd !== null) {
    verdict.sendAt = quietEnd;
    reasons.push({
      step: 'policy',
      check: 'quiet-hours',
      channel,
      outcome: 'deferred',
      detail: `inside the quiet hours ${formatClockTime(quiet.start)} to ${formatClockTime(quiet.end)}, so sending waits until they end`,
      until: quietEnd.toISOString(),
      timeZone,
    });
  } else {
    reasons.push({
      step: 'policy',
      check: 'quiet-hours',
      channel,
      outcome: 'passed',
      detail: quiet === null ? 'no quiet hours are configured' : `outside the quiet hours ${formatClockTime(quiet.start)} to ${formatClockTime(quiet.end)}`,
      timeZone,
    });
  }
  verdict.blocked = false;
  return verdict;
}

/**
 * Cancels a message when the customer's other recorded messages already fill a cap of
 * the current day or week. `recorded` counts this message too when its send time falls
 * in the period, so it is left out.
 */
function capVerdict(subject: SendRecheckSubject, periods: CapPeriods, context: ContactContext, recorded: RecordedSends): SendRecheckVerdict {
  const { channel, sendAt } = subject;
  const { policy, channel: channelPolicy } = context;
  const own = (start: Date, end: Date) => (sendAt >= start && sendAt < end ? 1 : 0);
  const others = {
    allDay: recorded.allDay - own(periods.dayStart, periods.dayEnd),
    allWeek: recorded.allWeek - own(periods.weekStart, periods.weekEnd),
    channelDay: recorded.channelDay - own(periods.dayStart, periods.dayEnd),
    channelWeek: recorded.channelWeek - own(periods.weekStart, periods.weekEnd),
  };
  const checks: Array<[number | null, number, string]> = [
    [policy.maxPerDay, others.allDay, `per day over all channels (${periods.day})`],
    [policy.maxPerWeek, others.allWeek, `per week over all channels (${periods.week})`],
    [channelPolicy.maxPerDay, others.channelDay, `per day on ${channel} (${periods.day})`],
    [channelPolicy.maxPerWeek, others.channelWeek, `per week on ${channel} (${periods.week})`],
  ];
  for (const [limit, count, scope] of checks) {
    if (limit !== null && count >= limit) {
      return { action: 'cancel', reason: `cap: the cap of ${limit} messages ${scope} is reached` };
    }
  }
  return { action: 'send' };
}

function hasCaps(caps: Caps): boolean {
  return caps.maxPerDay !== null || caps.maxPerWeek !== null;
}

function describeCap(counter: CapCounter, scope: CapScope): string {
  const counted = scope === 'send' ? 'messages' : 'control decisions';
  const channels = counter.appliesTo === 'all' ? 'over all channels' : `on ${counter.appliesTo}`;
  return `the cap of ${counter.limit} ${counted} per ${counter.period} ${channels} (${counter.periodKey})`;
}
