import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '#wayline/database';
import { DecisionRepository, type LiveDecisionRecord } from '#wayline/decisioning';
import { type TestStores, createTestStores } from '../support/test-stores.ts';

describe('DecisionRepository live decision writes', () => {
  let stores: TestStores;
  let prisma: PrismaClient;
  let repository: DecisionRepository;
  let channelId: string;

  beforeAll(async () => {
    stores = await createTestStores();
    prisma = stores.database.prisma;
    repository = new DecisionRepository(prisma, stores.database.sql);
    channelId = (await prisma.channel.create({ data: { name: 'email', webhookUrl: 'http://127.0.0.1:9/hook' } })).id;
  });

  afterAll(async () => {
    await stores?.teardown();
  });

  async function newCustomer(): Promise<string> {
    const id = `record-${randomUUID()}`;
    await prisma.customer.create({ data: { id } });
    return id;
  }

  function record(customerId: string, overrides: Partial<LiveDecisionRecord> = {}): LiveDecisionRecord {
    return {
      decision: {
        id: randomUUID(),
        customerId,
        campaignId: null,
        holdoutGroup: 'spring',
        arm: 'treatment',
        offerId: null,
        channel: 'email',
        score: 0.1,
        modelVersion: null,
        reasons: [{ step: 'eligibility', passed: true }],
        features: {},
        source: 'live',
      },
      newArms: [{ holdoutGroup: 'spring', arm: 'treatment', holdoutShare: 0.2, salt: 'salt-1' }],
      message: { channelId, payload: { hello: 'world' }, sendAt: new Date('2031-05-04T10:00:00.000Z'), sendTimeReason: null },
      ...overrides,
    };
  }

  it('writes the arms, the decision and the message', async () => {
    const customerId = await newCustomer();
    const input = record(customerId);

    const recorded = await stores.database.sql.transaction((tx) => repository.recordLive(input, tx));

    expect(recorded.arms).toEqual([{ holdoutGroup: 'spring', arm: 'treatment', holdoutShare: 0.2, salt: 'salt-1' }]);
    expect(recorded.message).toEqual({ id: expect.any(String), status: 'pending', sendAt: new Date('2031-05-04T10:00:00.000Z') });
    const message = await prisma.outreachMessage.findUniqueOrThrow({ where: { id: recorded.message!.id } });
    expect(message.decisionId).toBe(input.decision.id);
    expect(message.payload).toEqual({ hello: 'world' });
    expect((await prisma.decision.findUniqueOrThrow({ where: { id: input.decision.id } })).reasons).toEqual([{ step: 'eligibility', passed: true }]);
  });

  it('writes no message for control', async () => {
    const customerId = await newCustomer();
    const input = record(customerId, { message: null });

    const recorded = await stores.database.sql.transaction((tx) => repository.recordLive(input, tx));

    expect(recorded.message).toBeNull();
    expect(await prisma.outreachMessage.count({ where: { decisionId: input.decision.id } })).toBe(0);
  });

  it('returns the arm a concurrent decision stored first', async () => {
    const customerId = await newCustomer();
    await prisma.holdoutAssignment.create({ data: { customerId, holdoutGroup: 'spring', arm: 'control', holdoutShare: 0.5, salt: 'salt-0' } });

    const recorded = await stores.database.sql.transaction((tx) => repository.recordLive(record(customerId), tx));

    expect(recorded.arms).toEqual([{ holdoutGroup: 'spring', arm: 'control', holdoutShare: 0.5, salt: 'salt-0' }]);
  });

  it('leaves nothing when the caller rolls back', async () => {
    const customerId = await newCustomer();
    const input = record(customerId);
    const conflict = new Error('a concurrent decision stored another arm');

    const written = stores.database.sql.transaction(async (tx) => {
      await repository.recordLive(input, tx);
      throw conflict;
    });

    await expect(written).rejects.toBe(conflict);
    expect(await prisma.decision.count({ where: { id: input.decision.id } })).toBe(0);
    expect(await prisma.outreachMessage.count({ where: { decisionId: input.decision.id } })).toBe(0);
    expect(await prisma.holdoutAssignment.count({ where: { customerId } })).toBe(0);
  });

  describe('recordLiveAlone', () => {
    it('writes everything without a transaction', async () => {
      const customerId = await newCustomer();
      const input = record(customerId);

      const recorded = await repository.recordLiveAlone(input);

      expect(recorded.recorded).toBe(true);
      expect(recorded.arms).toEqual([{ holdoutGroup: 'spring', arm: 'treatment', holdoutShare: 0.2, salt: 'salt-1' }]);
      const message = await prisma.outreachMessage.findUniqueOrThrow({ where: { id: recorded.message!.id } });
      expect(message.decisionId).toBe(input.decision.id);
      expect(await prisma.decision.count({ where: { id: input.decision.id } })).toBe(1);
    });

    it('writes a returning customer\'s decision', async () => {
      const customerId = await newCustomer();
      await prisma.holdoutAssignment.create({ data: { customerId, holdoutGroup: 'spring', arm: 'treatment', holdoutShare: 0.2, salt: 'salt-1' } });
      const input = record(customerId, { newArms: [] });

      const recorded = await repository.recordLiveAlone(input);

      expect(recorded.recorded).toBe(true);
      expect(recorded.arms).toEqual([]);
      expect(await prisma.decision.count({ where: { id: input.decision.id } })).toBe(1);
      expect(await prisma.outreachMessage.count({ where: { decisionId: input.decision.id } })).toBe(1);
    });

    it('skips the decision after a concurrent arm', async () => {
      const customerId = await newCustomer();
      await prisma.holdoutAssignment.create({ data: { customerId, holdoutGroup: 'spring', arm: 'control', holdoutShare: 0.5, salt: 'salt-0' } });
      const input = record(customerId, {
        newArms: [
          { holdoutGroup: '~global-control', arm: 'treatment', holdoutShare: 0.05, salt: 'global-salt' },
          { holdoutGroup: 'spring', arm: 'treatment', holdoutShare: 0.2, salt: 'salt-1' },
        ],
      });

      const recorded = await repository.recordLiveAlone(input);

      expect(recorded.recorded).toBe(false);
      expect(recorded.message).toBeNull();
      expect(await prisma.decision.count({ where: { id: input.decision.id } })).toBe(0);
      expect(await prisma.outreachMessage.count({ where: { decisionId: input.decision.id } })).toBe(0);
      // The arm without a conflict stays, because it is the draw any decision makes at this share.
      const arms = await prisma.holdoutAssignment.findMany({ where: { customerId } });
      expect(Object.fromEntries(arms.map((arm) => [arm.holdoutGroup, arm.arm]))).toEqual({ '~global-control': 'treatment', spring: 'control' });
    });
  });
});
