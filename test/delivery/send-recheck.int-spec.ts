import { createRootLogger } from '#wayline/common';
import { ContactPolicyRepository, ContactPolicyService } from '#wayline/decisioning';
import type { PrismaClient } from '#wayline/database';
import { OutreachMessageRepository, type SendRecheckSubject } from '#wayline/delivery';
import { createTestStores, type TestStores } from '../support/test-stores.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The contact policy re-check of a whole claimed batch on real stores: customers whose
 * verdicts differ share one call, and each verdict must land on its own subject.
 */
describe('ContactPolicyService.recheckBatchBeforeSend', () => {
  let stores: TestStores;
  let prisma: PrismaClient;
  let repository: ContactPolicyRepository;
  let service: ContactPolicyService;
  let messages: OutreachMessageRepository;
  let channelId: string;

  beforeAll(async () => {
    stores = await createTestStores();
    prisma = stores.database.prisma;
    repository = new ContactPolicyRepository(prisma, stores.database.sql);
    service = new ContactPolicyService(repository, stores.liveStore, createRootLogger('silent'));
    messages = new OutreachMessageRepository(prisma, stores.database.sql);
    channelId = (await prisma.channel.create({ data: { name: 'recheck-email', webhookUrl: 'http://127.0.0.1:9/recheck' }, select: { id: true } })).id;
  });

  afterAll(async () => {
    await stores?.teardown();
  });

  /** Creates the customer with one treatment decision and outreach message per send time; returns the subjects. */
  async function customerWithMessages(id: string, timeZone: string, sendTimes: Date[], now: Date): Promise<SendRecheckSubject[]> {
    await prisma.customer.create({ data: { id, timeZone } });
    const subjects: SendRecheckSubject[] = [];
    for (const sendAt of sendTimes) {
      const decision = await prisma.decision.create({
        data: { customerId: id, holdoutGroup: 'recheck', arm: 'treatment', channel: 'recheck-email' },
        select: { id: true },
      });
      await messages.create({ decisionId: decision.id, channelId, payload: {}, sendAt });
      subjects.push({ customerId: id, channel: 'recheck-email', sendAt, now });
    }
    return subjects;
  }

  it('maps mixed verdicts to their own subjects', async () => {
    const now = new Date();
    const sendAt = new Date(now.getTime() - 1000);
    const hour = now.getUTCHours();
    // Quiet from one to three hours after the current UTC hour: customers on UTC are
    // outside them, and a customer two hours ahead of UTC is inside.
    await repository.saveGlobal({
      maxPerDay: 1,
      maxPerWeek: null,
      quietHours: { start: ((hour + 1) % 24) * 60, end: ((hour + 3) % 24) * 60 },
      cooldownHours: 48,
      defaultTimeZone: 'UTC',
    });
    const [capped1, capped2] = await customerWithMessages('recheck-capped', 'UTC', [sendAt, new Date(sendAt.getTime() - 1000)], now);
    const [optedOut] = await customerWithMessages('recheck-opted-out', 'UTC', [sendAt], now);
    const [allowed] = await customerWithMessages('recheck-allowed', 'UTC', [sendAt], now);
    const [quiet] = await customerWithMessages('recheck-quiet', 'Etc/GMT-2', [sendAt], now);
    const [angry] = await customerWithMessages('recheck-angry', 'UTC', [sendAt], now);
    await repository.saveConsents('recheck-opted-out', [{ channelId, status: 'opted_out' }]);
    await prisma.event.create({
      data: { customerId: 'recheck-angry', type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: new Date(now.getTime() - HOUR_MS), emotionLabel: 'angry', valence: -0.8, scoredAt: now },
    });
    const calls = { contacts: 0, counts: 0 };
    const findContacts = repository.findCustomerContacts.bind(repository);
    const countMessages = repository.countRecordedMessages.bind(repository);
    repository.findCustomerContacts = (pairs) => ((calls.contacts += 1), findContacts(pairs));
    repository.countRecordedMessages = (requests) => ((calls.counts += 1), countMessages(requests));

    try {
      const verdicts = await service.recheckBatchBeforeSend([capped1!, optedOut!, allowed!, quiet!, angry!, capped2!]);

      expect(verdicts).toEqual([
        { action: 'cancel', reason: expect.stringMatching(/^cap: the cap of 1 messages per day over all channels/) },
        { action: 'cancel', reason: 'consent: the customer opted out of this channel' },
        { action: 'send' },
        { action: 'defer', until: expect.any(Date), reason: expect.stringMatching(/^quiet-hours: inside the quiet hours/) },
        { action: 'cancel', reason: expect.stringMatching(/^cooldown: a frustrated or angry event at .* starts a 48-hour cooldown$/) },
        { action: 'cancel', reason: expect.stringMatching(/^cap: the cap of 1 messages per day over all channels/) },
      ]);
      const until = (verdicts[3] as { until: Date }).until;
      expect(until.getTime()).toBeGreaterThan(now.getTime());
      expect(until.getTime()).toBeLessThanOrEqual(now.getTime() + 2 * HOUR_MS);
      expect(calls).toEqual({ contacts: 1, counts: 1 });
      expect(await service.recheckBatchBeforeSend([])).toEqual([]);
    } finally {
      await repository.saveGlobal({ maxPerDay: null, maxPerWeek: null, quietHours: null, cooldownHours: null, defaultTimeZone: 'UTC' });
    }
  });
});
