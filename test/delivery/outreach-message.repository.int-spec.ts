import { ConflictError } from '#wayline/common';
import type { PrismaClient } from '#wayline/database';
import { OutreachMessageRepository } from '#wayline/delivery';
import { type TestStores, createTestStores } from '../support/test-stores.ts';
import { createChannel, createDecision, createMessage } from './delivery.factories.ts';

const LEASE_MS = 30_000;

describe('OutreachMessageRepository', () => {
  let stores: TestStores;
  let prisma: PrismaClient;
  let repository: OutreachMessageRepository;
  let channelId: string;

  beforeAll(async () => {
    stores = await createTestStores();
    prisma = stores.database.prisma;
    repository = new OutreachMessageRepository(prisma, stores.database.sql);
    channelId = (await createChannel(prisma, { webhookUrl: 'http://127.0.0.1:9/hook' })).id;
  });

  beforeEach(async () => {
    await prisma.outreachMessage.deleteMany();
  });

  afterAll(async () => {
    await stores?.teardown();
  });

  it('creates a pending message due at sendAt', async () => {
    const decisionId = await createDecision(prisma);
    const sendAt = new Date('2031-05-04T10:00:00.000Z');

    const message = await repository.create({ decisionId, channelId, payload: { hello: 'world' }, sendAt });

    expect(message.status).toBe('pending');
    expect(message.attempts).toBe(0);
    expect(message.sendAt).toEqual(sendAt);
    expect(message.nextAttemptAt).toEqual(sendAt);
    expect(message.payload).toEqual({ hello: 'world' });
  });

  it('rejects a second message for a decision', async () => {
    const first = await createMessage(prisma, repository, channelId);

    const duplicate = repository.create({
      decisionId: first.decisionId,
      channelId,
      payload: {},
      sendAt: new Date(),
    });

    await expect(duplicate).rejects.toThrow(ConflictError);
    await expect(duplicate).rejects.toThrow(first.decisionId);
  });

  it('creates inside the caller transaction', async () => {
    const customerId = `customer-transaction-${Date.now()}`;
    const rollback = new Error('roll back on purpose');

    const transaction = stores.database.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO customers (id) VALUES ($1)', [customerId]);
      const [decision] = await tx.query<{ id: string }>(
        "INSERT INTO decisions (customer_id, holdout_group, arm) VALUES ($1, 'delivery-test', 'treatment') RETURNING id",
        [customerId],
      );
      await repository.create({ decisionId: decision!.id, channelId, payload: {}, sendAt: new Date() }, tx);
      expect(await tx.query('SELECT id FROM outreach_messages')).toHaveLength(1);
      throw rollback;
    });

    await expect(transaction).rejects.toBe(rollback);
    expect(await prisma.outreachMessage.count()).toBe(0);
    expect(await prisma.customer.count({ where: { id: customerId } })).toBe(0);
  });

  it('stores the send-time reason with the message', async () => {
    const decisionId = await createDecision(prisma);
    const sendTimeReason = { source: 'customer', hourOfWeek: 33 };

    const message = await repository.create({ decisionId, channelId, payload: {}, sendAt: new Date(), sendTimeReason });

    expect(message.sendTimeReason).toEqual(sendTimeReason);
    expect((await prisma.outreachMessage.findUniqueOrThrow({ where: { id: message.id } })).sendTimeReason).toEqual(sendTimeReason);
  });

  it('claims only due messages', async () => {
    const now = new Date();
    const due = await createMessage(prisma, repository, channelId, { sendAt: new Date(now.getTime() - 1) });
    const dueNow = await createMessage(prisma, repository, channelId, { sendAt: now });
    await createMessage(prisma, repository, channelId, { sendAt: new Date(now.getTime() + 1) });

    const claims = await repository.claimDue(now, 10, LEASE_MS);

    expect(claims.map((claim) => claim.id).sort()).toEqual([due.id, dueNow.id].sort());
    for (const claim of claims) {
      expect(claim.attempts).toBe(1);
      expect(claim.webhookUrl).toBe('http://127.0.0.1:9/hook');
      expect(claim.lockedUntil).toEqual(new Date(now.getTime() + LEASE_MS));
    }
    const stored = await repository.findByDecisionId(due.decisionId);
    expect(stored?.status).toBe('sending');
    expect(stored?.lockedUntil).toEqual(new Date(now.getTime() + LEASE_MS));
  });

  it('returns the claimed row fields', async () => {
    const message = await createMessage(prisma, repository, channelId, { payload: { nested: { list: [1, 'two'] } } });

    const decision = await prisma.decision.findUniqueOrThrow({ where: { id: message.decisionId } });
    const channel = await prisma.channel.findUniqueOrThrow({ where: { id: channelId } });

    const [claim] = await repository.claimDue(new Date(), 10, LEASE_MS);

    expect(claim).toEqual({
      id: message.id,
      decisionId: message.decisionId,
      channelId,
      payload: { nested: { list: [1, 'two'] } },
      attempts: 1,
      webhookUrl: 'http://127.0.0.1:9/hook',
      channel: {
        name: channel.name,
        webhookUrl: 'http://127.0.0.1:9/hook',
        kind: 'webhook',
        signingSecret: null,
        timeoutMs: null,
        recipientAttribute: null,
      },
      customerId: decision.customerId,
      campaignId: null,
      decidedAt: decision.createdAt,
      sendAt: message.sendAt,
      dueAt: message.sendAt,
      lockedUntil: expect.any(Date),
      convertedSinceDecision: false,
    });
  });

  it('claims at most the limit', async () => {
    for (let index = 0; index < 5; index += 1) {
      await createMessage(prisma, repository, channelId);
    }

    const first = await repository.claimDue(new Date(), 3, LEASE_MS);
    const second = await repository.claimDue(new Date(), 3, LEASE_MS);
    const third = await repository.claimDue(new Date(), 3, LEASE_MS);

    expect(first).toHaveLength(3);
    expect(second).toHaveLength(2);
    expect(third).toHaveLength(0);
    const ids = new Set([...first, ...second].map((claim) => claim.id));
    expect(ids.size).toBe(5);
  });

  it('reclaims only after the lease expires', async () => {
    const message = await createMessage(prisma, repository, channelId);
    const now = new Date();
    const [stale] = await repository.claimDue(now, 10, LEASE_MS);

    const whileLeased = await repository.claimDue(new Date(now.getTime() + LEASE_MS), 10, LEASE_MS);
    const afterLease = await repository.claimDue(new Date(now.getTime() + LEASE_MS + 1), 10, LEASE_MS);

    expect(stale?.id).toBe(message.id);
    expect(whileLeased).toHaveLength(0);
    expect(afterLease).toHaveLength(1);
    expect(afterLease[0]!.attempts).toBe(2);
  });

  it('ignores writes from a stale claim', async () => {
    const message = await createMessage(prisma, repository, channelId);
    const now = new Date();
    const [stale] = await repository.claimDue(now, 10, LEASE_MS);
    const [current] = await repository.claimDue(new Date(now.getTime() + LEASE_MS + 1), 10, LEASE_MS);

    const staleSent = (await repository.markSent([{ claim: stale!, sentAt: new Date() }])).has(stale!.id);
    const currentRetry = await repository.scheduleRetry(current!, new Date(now.getTime() + 2 * LEASE_MS), 'HTTP 503');
    const staleFailed = await repository.markFailed(stale!, 'HTTP 400');
    const staleRetry = await repository.scheduleRetry(stale!, new Date(), 'HTTP 500');

    expect(staleSent).toBe(false);
    expect(currentRetry).toBe(true);
    expect(staleFailed).toBe(false);
    expect(staleRetry).toBe(false);
    const stored = await repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('pending');
    expect(stored?.attempts).toBe(2);
    expect(stored?.lastError).toBe('HTTP 503');
    expect(stored?.sentAt).toBeNull();
  });

  it('ignores a second write from one claim', async () => {
    await createMessage(prisma, repository, channelId);
    const [claim] = await repository.claimDue(new Date(), 10, LEASE_MS);

    const sent = (await repository.markSent([{ claim: claim!, sentAt: new Date() }])).has(claim!.id);
    const failedAfterSent = await repository.markFailed(claim!, 'HTTP 400');

    expect(sent).toBe(true);
    expect(failedAfterSent).toBe(false);
  });

  it('marks a batch sent except a reclaimed message', async () => {
    const now = new Date();
    const lost = await createMessage(prisma, repository, channelId, { sendAt: new Date(now.getTime() - 2000) });
    const owned = await createMessage(prisma, repository, channelId, { sendAt: new Date(now.getTime() - 1000) });
    const claims = await repository.claimDue(now, 10, LEASE_MS);
    const staleClaim = claims.find((claim) => claim.id === lost.id)!;
    const ownedClaim = claims.find((claim) => claim.id === owned.id)!;
    // The other worker takes back only the oldest message, whose lease it finds expired.
    const [takenOver] = await repository.claimDue(new Date(now.getTime() + LEASE_MS + 1), 1, LEASE_MS);
    expect(takenOver?.id).toBe(lost.id);
    const lostSentAt = new Date(now.getTime() + 100);
    const ownedSentAt = new Date(now.getTime() + 200);

    const recorded = await repository.markSent([
      { claim: staleClaim, sentAt: lostSentAt },
      { claim: ownedClaim, sentAt: ownedSentAt },
    ]);

    expect([...recorded]).toEqual([owned.id]);
    const storedOwned = await repository.findByDecisionId(owned.decisionId);
    expect(storedOwned).toMatchObject({ status: 'sent', attempts: 1, lockedUntil: null, sentAt: ownedSentAt });
    const storedLost = await repository.findByDecisionId(lost.decisionId);
    expect(storedLost).toMatchObject({ status: 'sending', attempts: 2, sentAt: null });
    expect(await repository.markSent([])).toEqual(new Set());
  });

  it('reports conversions since the decision with each claim', async () => {
    const campaign = (key: string) =>
      prisma.campaign.create({ data: { key, name: key, rule: {}, holdoutShare: 0, holdoutGroup: key }, select: { id: true } });
    const suffix = Date.now();
    const spring = await campaign(`claim-spring-${suffix}`);
    const autumn = await campaign(`claim-autumn-${suffix}`);
    const decidedAt = new Date(Date.now() - 60_000);
    const customerId = `customer-converted-${suffix}`;
    await prisma.customer.create({ data: { id: customerId } });

    /** Creates a decision of the customer in `campaignId`, with its message. */
    const decide = async (campaignId: string | null) => {
      const decision = await prisma.decision.create({
        data: { customerId, campaignId, holdoutGroup: 'delivery-test', arm: 'treatment', createdAt: decidedAt },
        select: { id: true },
      });
      await repository.create({ decisionId: decision.id, channelId, payload: {}, sendAt: new Date(Date.now() - 1000) });
      return decision.id;
    };
    const outcome = (decisionId: string, campaignId: string | null, type: string, occurredAt: Date) =>
      prisma.outcome.create({ data: { decisionId, customerId, campaignId, type, occurredAt } });

    const ownConversion = await decide(null);
    await outcome(ownConversion, null, 'conversion', new Date(decidedAt.getTime() - 1000));
    const convertedInCampaign = await decide(spring.id);
    const decidedAfterConversion = await decide(spring.id);
    const otherCampaign = await decide(autumn.id);
    const clickOnly = await decide(autumn.id);
    await outcome(clickOnly, autumn.id, 'click', new Date());
    // One conversion in the spring campaign, at the decisions' time: it counts for spring
    // decisions made at or before it, and for no other campaign.
    const springConversion = await decide(spring.id);
    await outcome(springConversion, spring.id, 'conversion', decidedAt);
    await prisma.decision.update({ where: { id: decidedAfterConversion }, data: { createdAt: new Date(decidedAt.getTime() + 1) } });

    const claims = await repository.claimDue(new Date(), 10, LEASE_MS);

    const converted = Object.fromEntries(claims.map((claim) => [claim.decisionId, claim.convertedSinceDecision]));
    expect(converted).toEqual({
      [ownConversion]: true,
      [convertedInCampaign]: true,
      [decidedAfterConversion]: false,
      [otherCampaign]: false,
      [clickOnly]: false,
      [springConversion]: true,
    });
  });

  it('truncates a long error', async () => {
    const message = await createMessage(prisma, repository, channelId);
    const [claim] = await repository.claimDue(new Date(), 10, LEASE_MS);

    await repository.markFailed(claim!, 'x'.repeat(2000));

    const stored = await repository.findByDecisionId(message.decisionId);
    expect(stored?.lastError).toHaveLength(500);
  });

  it('lists messages by status', async () => {
    const sent = await createMessage(prisma, repository, channelId);
    const pending = await createMessage(prisma, repository, channelId, { sendAt: new Date(Date.now() + 60_000) });
    const [claim] = await repository.claimDue(new Date(), 10, LEASE_MS);
    await repository.markSent([{ claim: claim!, sentAt: new Date() }]);

    const sentList = await repository.listByStatus('sent');
    const pendingList = await repository.listByStatus('pending');
    const failedList = await repository.listByStatus('failed');

    expect(sentList.map((message) => message.id)).toEqual([sent.id]);
    expect(pendingList.map((message) => message.id)).toEqual([pending.id]);
    expect(failedList).toEqual([]);
  });

  it('finds nothing for an unknown decision', async () => {
    const found = await repository.findByDecisionId('00000000-0000-4000-8000-000000000000');

    expect(found).toBeNull();
  });
});
