import { Inject, Injectable, Optional } from '@nestjs/common';
import { Prisma, PRISMA, SQL_POOL, type PrismaClient, type SqlPool } from '#wayline/database';
import { DecisioningChanges } from '../decisioning-changes.ts';
import type { CapPeriods, Caps, CapScope, RecordedSends } from './cap-counters.ts';
import { NEGATIVE_EMOTION_LABELS } from './cooldown.ts';
import type { ConsentStatus } from './contact-policy.schemas.ts';
import type { QuietHours } from './quiet-hours.ts';

const GLOBAL_POLICY_ID = 'global';

/** The deployment's contact policy; the defaults apply while none is stored. */
export interface GlobalContactPolicy extends Caps {
  quietHours: QuietHours | null;
  cooldownHours: number | null;
  defaultTimeZone: string;
  updatedAt: Date | null;
}

export interface ChannelContactPolicy extends Caps {
  channel: string;
  requiresConsent: boolean;
  updatedAt: Date | null;
}

export const DEFAULT_CONTACT_POLICY: GlobalContactPolicy = Object.freeze({
  maxPerDay: null,
  maxPerWeek: null,
  quietHours: null,
  cooldownHours: null,
  defaultTimeZone: 'UTC',
  updatedAt: null,
});

/** The stored settings and facts that the policy checks for one customer on one channel. */
export interface ContactContext {
  policy: GlobalContactPolicy;
  channel: ChannelContactPolicy;
  /** The customer's own time zone, or null to use the policy's default. */
  customerTimeZone: string | null;
  consent: ConsentStatus | null;
  lastNegativeAt: Date | null;
}

/** The global policy and every channel's own policy, as decisions keep them in memory. */
export interface ContactPolicies {
  global: GlobalContactPolicy;
  /** By channel name; a channel missing here has no caps and needs no consent. */
  channels: ReadonlyMap<string, ChannelContactPolicy>;
}

/** The facts of one customer that the contact policy checks on one channel. */
export interface CustomerContact {
  /** The customer's own time zone, or null to use the policy's default. */
  timeZone: string | null;
  consent: ConsentStatus | null;
  lastNegativeAt: Date | null;
}

/** A customer and a channel name, to read the customer's contact facts on that channel. */
export interface CustomerChannel {
  customerId: string;
  channel: string;
}

/** The send periods of one customer on one channel to count recorded messages in. */
export interface RecordedSendsRequest extends CustomerChannel {
  periods: CapPeriods;
}

export interface CustomerConsentRow {
  channel: string;
  status: ConsentStatus;
  updatedAt: Date;
}

@Injectable()
export class ContactPolicyRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL_POOL) private readonly sql: SqlPool,
    @Optional() @Inject(DecisioningChanges) private readonly changes?: DecisioningChanges,
  ) {}

  async findGlobal(client: Prisma.TransactionClient = this.prisma): Promise<GlobalContactPolicy> {
    const row = await client.contactPolicy.findUnique({ where: { id: GLOBAL_POLICY_ID } });
    if (row === null) {
      return DEFAULT_CONTACT_POLICY;
    }
    return {
      maxPerDay: row.maxPerDay,
      maxPerWeek: row.maxPerWeek,
      quietHours: row.quietHoursStart === null || row.quietHoursEnd === null ? null : { start: row.quietHoursStart, end: row.quietHoursEnd },
      cooldownHours: row.cooldownHours,
      defaultTimeZone: row.defaultTimeZone,
      updatedAt: row.updatedAt,
    };
  }

  /** Writes the policy; with a caller's transaction `client`, the caller calls {@link announceChange} after the commit. */
  async saveGlobal(policy: Omit<GlobalContactPolicy, 'updatedAt'>, client?: Prisma.TransactionClient): Promise<void> {
    const data = {
      maxPerDay: policy.maxPerDay,
      maxPerWeek: policy.maxPerWeek,
      quietHoursStart: policy.quietHours?.start ?? null,
      quietHoursEnd: policy.quietHours?.end ?? null,
      cooldownHours: policy.cooldownHours,
      defaultTimeZone: policy.defaultTimeZone,
    };
    await (client ?? this.prisma).contactPolicy.upsert({ where: { id: GLOBAL_POLICY_ID }, create: { id: GLOBAL_POLICY_ID, ...data }, update: data });
    if (client === undefined) {
      await this.announceChange();
    }
  }

  /** Tells every replica that a contact policy changed; after the commit, so that they read the new rows. */
  async announceChange(): Promise<void> {
    await this.changes?.contactPolicy.announce();
  }

  /** Lists the channels that have their own policy, ordered by channel name. */
  async listChannelPolicies(): Promise<ChannelContactPolicy[]> {
    const rows = await this.prisma.channelContactPolicy.findMany({ include: { channel: { select: { name: true } } } });
    return rows
      .map((row) => ({ channel: row.channel.name, maxPerDay: row.maxPerDay, maxPerWeek: row.maxPerWeek, requiresConsent: row.requiresConsent, updatedAt: row.updatedAt }))
      .sort(byChannelName);
  }

  /** Writes the channel's policy; with a caller's transaction `client`, the caller calls {@link announceChange} after the commit. */
  async saveChannelPolicy(channelId: string, policy: Caps & { requiresConsent: boolean }, client?: Prisma.TransactionClient): Promise<void> {
    const data = { maxPerDay: policy.maxPerDay, maxPerWeek: policy.maxPerWeek, requiresConsent: policy.requiresConsent };
    await (client ?? this.prisma).channelContactPolicy.upsert({ where: { channelId }, create: { channelId, ...data }, update: data });
    if (client === undefined) {
      await this.announceChange();
    }
  }

  /**
   * Deletes the channel's own policy; returns whether there was one. With a caller's
   * transaction `client`, the caller calls {@link announceChange} after the commit.
   */
  async deleteChannelPolicy(channelId: string, client?: Prisma.TransactionClient): Promise<boolean> {
    const { count } = await (client ?? this.prisma).channelContactPolicy.deleteMany({ where: { channelId } });
    if (count > 0 && client === undefined) {
      await this.announceChange();
    }
    return count > 0;
  }

  /** Reads the channel's policy, or the channel defaults: no caps, consent not required. */
  async findChannelPolicy(channelId: string, channelName: string, client: Prisma.TransactionClient = this.prisma): Promise<ChannelContactPolicy> {
    const row = await client.channelContactPolicy.findUnique({ where: { channelId } });
    return toChannelPolicy(channelName, row);
  }

  /** Reads the global policy and every channel's own policy. */
  async findPolicies(): Promise<ContactPolicies> {
    const [global, channels] = await Promise.all([this.findGlobal(), this.listChannelPolicies()]);
    return { global, channels: new Map(channels.map((policy) => [policy.channel, policy])) };
  }

  /** Reads the customer's time zone, consent on the channel and latest negative event in one query. */
  async findCustomerContact(customerId: string, channelName: string): Promise<CustomerContact> {
    const [contact] = await this.findCustomerContacts([{ customerId, channel: channelName }]);
    return contact!;
  }

  /**
   * Reads the contact facts of {@link findCustomerContact} for every pair in one query,
   * in the order of `pairs`. Plain SQL, because delivery reads them for every batch it
   * sends (see SqlPool).
   */
  async findCustomerContacts(pairs: readonly CustomerChannel[]): Promise<CustomerContact[]> {
    if (pairs.length === 0) {
      return [];
    }
    const rows = await this.sql.query<{ time_zone: string | null; consent: string | null; last_negative_at: Date | null }>(
      `SELECT (SELECT time_zone FROM customers WHERE id = pair.customer_id) AS time_zone,
              (SELECT consent.status
                 FROM customer_consents consent JOIN channels channel ON channel.id = consent.channel_id
                WHERE consent.customer_id = pair.customer_id AND channel.name = pair.channel) AS consent,
              (SELECT occurred_at FROM events
                WHERE customer_id = pair.customer_id AND emotion_label = ANY($3::text[])
                ORDER BY occurred_at DESC LIMIT 1) AS last_negative_at
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS pair(customer_id, channel, position)
       ORDER BY pair.position`,
      [pairs.map((pair) => pair.customerId), pairs.map((pair) => pair.channel), NEGATIVE_EMOTION_LABELS],
    );
    return rows.map((row) => ({ timeZone: row.time_zone, consent: row.consent as ConsentStatus | null, lastNegativeAt: row.last_negative_at }));
  }

  /**
   * Counts what the customer's cap counters would hold if the live store had never lost
   * them: for `send`, the outreach messages whose send time falls in the period; for
   * `control`, the live control decisions created in it.
   */
  async countRecordedSends(customerId: string, channel: string, periods: CapPeriods, scope: CapScope): Promise<RecordedSends> {
    if (scope === 'send') {
      const [recorded] = await this.countRecordedMessages([{ customerId, channel, periods }]);
      return recorded!;
    }
    const { dayStart, dayEnd, weekStart, weekEnd } = periods;
    const inDay = (column: Prisma.Sql) => Prisma.sql`${column} >= ${dayStart} AND ${column} < ${dayEnd}`;
    const inWeek = (column: Prisma.Sql) => Prisma.sql`${column} >= ${weekStart} AND ${column} < ${weekEnd}`;
    const [row] = await this.prisma.$queryRaw<Array<Record<'all_day' | 'all_week' | 'channel_day' | 'channel_week', bigint>>>(Prisma.sql`
      SELECT count(*) FILTER (WHERE ${inDay(Prisma.sql`d.created_at`)}) AS all_day,
             count(*) FILTER (WHERE ${inWeek(Prisma.sql`d.created_at`)}) AS all_week,
             count(*) FILTER (WHERE d.channel = ${channel} AND ${inDay(Prisma.sql`d.created_at`)}) AS channel_day,
             count(*) FILTER (WHERE d.channel = ${channel} AND ${inWeek(Prisma.sql`d.created_at`)}) AS channel_week
      FROM decisions d
      WHERE d.customer_id = ${customerId} AND d.arm = 'control' AND d.source = 'live'
        AND d.created_at >= ${weekStart} AND d.created_at < ${weekEnd}`);
    return {
      allDay: Number(row!.all_day),
      allWeek: Number(row!.all_week),
      channelDay: Number(row!.channel_day),
      channelWeek: Number(row!.channel_week),
    };
  }

  /**
   * Counts the outreach messages of each request whose send time falls in its periods,
   * as {@link countRecordedSends} does for `send`, in one query and in the order of
   * `requests`. Plain SQL, because delivery counts them for every batch it sends while
   * caps are set (see SqlPool).
   */
  async countRecordedMessages(requests: readonly RecordedSendsRequest[]): Promise<RecordedSends[]> {
    if (requests.length === 0) {
      return [];
    }
    const iso = (pick: (periods: CapPeriods) => Date) => requests.map((request) => pick(request.periods).toISOString());
    const rows = await this.sql.query<Record<'all_day' | 'all_week' | 'channel_day' | 'channel_week', number>>(
      `SELECT counted.*
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
              WITH ORDINALITY AS request(customer_id, channel, day_start, day_end, week_start, week_end, decided_from, position)
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE m.send_at >= request.day_start AND m.send_at < request.day_end)::int AS all_day,
                count(*) FILTER (WHERE m.send_at >= request.week_start AND m.send_at < request.week_end)::int AS all_week,
                count(*) FILTER (WHERE d.channel = request.channel AND m.send_at >= request.day_start AND m.send_at < request.day_end)::int AS channel_day,
                count(*) FILTER (WHERE d.channel = request.channel AND m.send_at >= request.week_start AND m.send_at < request.week_end)::int AS channel_week
         FROM decisions d
         JOIN outreach_messages m ON m.decision_id = d.id
         -- A message goes out at most a day after its decision (quiet hours), so this
         -- bound keeps the scan on the (customer_id, created_at) index.
         WHERE d.customer_id = request.customer_id AND d.arm = 'treatment'
           AND d.created_at >= request.decided_from AND d.created_at < request.week_end
       ) AS counted
       ORDER BY request.position`,
      [
        requests.map((request) => request.customerId),
        requests.map((request) => request.channel),
        iso((periods) => periods.dayStart),
        iso((periods) => periods.dayEnd),
        iso((periods) => periods.weekStart),
        iso((periods) => periods.weekEnd),
        iso((periods) => new Date(periods.weekStart.getTime() - 2 * 86_400_000)),
      ],
    );
    return rows.map((row) => ({
      allDay: Number(row.all_day),
      allWeek: Number(row.all_week),
      channelDay: Number(row.channel_day),
      channelWeek: Number(row.channel_week),
    }));
  }

  async findCustomerTimeZone(customerId: string): Promise<{ timeZone: string | null } | null> {
    return this.prisma.customer.findUnique({ where: { id: customerId }, select: { timeZone: true } });
  }

  /** Sets the customer's time zone, creating the customer when it has no events yet. */
  async saveCustomerTimeZone(customerId: string, timeZone: string | null): Promise<void> {
    await this.prisma.customer.upsert({ where: { id: customerId }, create: { id: customerId, timeZone }, update: { timeZone } });
  }

  /**
   * Sets the consent status of each channel in one transaction, creating the customer
   * when it has no events yet.
   */
  async saveConsents(customerId: string, consents: Array<{ channelId: string; status: ConsentStatus }>): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.customer.upsert({ where: { id: customerId }, create: { id: customerId }, update: {} });
      for (const consent of consents) {
        await tx.customerConsent.upsert({
          where: { customerId_channelId: { customerId, channelId: consent.channelId } },
          create: { customerId, channelId: consent.channelId, status: consent.status },
          update: { status: consent.status },
        });
      }
    });
  }

  /** Lists the customer's consents ordered by channel name. */
  async listConsents(customerId: string): Promise<CustomerConsentRow[]> {
    const rows = await this.prisma.customerConsent.findMany({ where: { customerId }, include: { channel: { select: { name: true } } } });
    return rows
      .map((row) => ({ channel: row.channel.name, status: row.status as ConsentStatus, updatedAt: row.updatedAt }))
      .sort(byChannelName);
  }
}

/** Combines the policies with one customer's facts for the checks on `channelName`. */
export function contactContextOf(policies: ContactPolicies, channelName: string, customer: CustomerContact): ContactContext {
  return {
    policy: policies.global,
    channel: policies.channels.get(channelName) ?? toChannelPolicy(channelName, null),
    customerTimeZone: customer.timeZone,
    consent: customer.consent,
    lastNegativeAt: customer.lastNegativeAt,
  };
}

/** Orders by channel name in UTF-16 code unit order, the same on every machine and locale. */
function byChannelName(a: { channel: string }, b: { channel: string }): number {
  if (a.channel === b.channel) {
    return 0;
  }
  return a.channel < b.channel ? -1 : 1;
}

function toChannelPolicy(
  channel: string,
  row: { maxPerDay: number | null; maxPerWeek: number | null; requiresConsent: boolean; updatedAt: Date } | null,
): ChannelContactPolicy {
  if (row === null) {
    return { channel, maxPerDay: null, maxPerWeek: null, requiresConsent: false, updatedAt: null };
  }
  return { channel, maxPerDay: row.maxPerDay, maxPerWeek: row.maxPerWeek, requiresConsent: row.requiresConsent, updatedAt: row.updatedAt };
}
