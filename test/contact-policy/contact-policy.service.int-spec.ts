import { createRootLogger } from '#wayline/common';
import { ContactPolicyRepository, ContactPolicyService, type PolicySubject } from '#wayline/decisioning';
import { createTestStores, type TestStores } from '../support/test-stores.ts';

/** ContactPolicyService on real stores: walking candidates, and giving reservations back. */
describe('ContactPolicyService', () => {
  let stores: TestStores;
  let service: ContactPolicyService;
  let repository: ContactPolicyRepository;
  const now = new Date('2026-12-04T12:00:00Z');

  beforeAll(async () => {
    stores = await createTestStores();
    repository = new ContactPolicyRepository(stores.database.prisma, stores.database.sql);
    service = new ContactPolicyService(repository, stores.liveStore, createRootLogger('silent'));
    for (const name of ['email', 'sms']) {
      await stores.database.prisma.channel.create({ data: { name, webhookUrl: `http://127.0.0.1:9/${name}` } });
    }
  });

  afterAll(async () => {
    await stores.teardown();
  });

  const createCustomer = (id: string) => stores.database.prisma.customer.create({ data: { id, timeZone: 'UTC' } });
  const subject = (candidate: PolicySubject) => candidate;

  it('release gives the reservation back', async () => {
    await repository.saveGlobal({ maxPerDay: 1, maxPerWeek: null, quietHours: null, cooldownHours: null, defaultTimeZone: 'UTC' });
    await createCustomer('c-release');
    const candidate: PolicySubject = { channel: 'email', campaign: 'spring', arm: 'treatment' };

    const first = await service.selectCandidate('c-release', [candidate], subject, now);
    expect(first.approval).not.toBeNull();
    const second = await service.selectCandidate('c-release', [candidate], subject, now);
    expect(second.approval).toBeNull();

    await first.approval!.release();
    const third = await service.selectCandidate('c-release', [candidate], subject, now);
    expect(third.approval?.candidate).toBe(candidate);
  });

  it('skips to the next candidate when an arm is capped', async () => {
    await repository.saveGlobal({ maxPerDay: 1, maxPerWeek: null, quietHours: null, cooldownHours: null, defaultTimeZone: 'UTC' });
    await createCustomer('c-walk');
    const control: PolicySubject = { channel: 'email', campaign: 'held-out', arm: 'control' };
    const treatment: PolicySubject = { channel: 'email', campaign: 'treated', arm: 'treatment' };
    expect((await service.selectCandidate('c-walk', [control], subject, now)).approval).not.toBeNull();

    const result = await service.selectCandidate('c-walk', [control, control, treatment], subject, now);
    expect(result.approval?.candidate).toBe(treatment);
    const caps = result.reasons.filter((reason) => reason.check === 'cap');
    // The second control candidate is skipped without another reservation.
    expect(caps.map((reason) => [reason.campaign, reason.outcome])).toEqual([
      ['held-out', 'blocked'],
      ['treated', 'passed'],
    ]);
    expect(result.reasons.filter((reason) => reason.check === 'consent')).toHaveLength(1);
  });

  it('skips a channel the customer opted out of', async () => {
    await repository.saveGlobal({ maxPerDay: null, maxPerWeek: null, quietHours: null, cooldownHours: null, defaultTimeZone: 'UTC' });
    await createCustomer('c-channels');
    const email = await stores.database.prisma.channel.findUniqueOrThrow({ where: { name: 'email' } });
    await repository.saveConsents('c-channels', [{ channelId: email.id, status: 'opted_out' }]);
    const onEmail: PolicySubject = { channel: 'email', campaign: 'a', arm: 'treatment' };
    const onSms: PolicySubject = { channel: 'sms', campaign: 'b', arm: 'treatment' };

    const result = await service.selectCandidate('c-channels', [onEmail, onSms], subject, now);
    expect(result.approval?.candidate).toBe(onSms);
    expect(result.reasons.filter((reason) => reason.check === 'consent').map((reason) => [reason.channel, reason.outcome])).toEqual([
      ['email', 'blocked'],
      ['sms', 'passed'],
    ]);
  });

  it('counts a deferred send on the next local day', async () => {
    await repository.saveGlobal({ maxPerDay: 1, maxPerWeek: null, quietHours: { start: 21 * 60, end: 8 * 60 }, cooldownHours: null, defaultTimeZone: 'UTC' });
    await createCustomer('c-evening');
    const candidate: PolicySubject = { channel: 'email', campaign: 'spring', arm: 'treatment' };

    const afternoon = await service.selectCandidate('c-evening', [candidate], subject, new Date('2026-12-04T15:00:00Z'));
    expect(afternoon.approval?.sendAt.toISOString()).toBe('2026-12-04T15:00:00.000Z');
    // 22:00 is inside the quiet hours: the send moves to 08:00 on the 5th, whose cap is still free.
    const evening = await service.selectCandidate('c-evening', [candidate], subject, new Date('2026-12-04T22:00:00Z'));
    expect(evening.approval?.sendAt.toISOString()).toBe('2026-12-05T08:00:00.000Z');
    expect(evening.reasons.find((reason) => reason.check === 'cap')?.detail).toContain('(2026-12-05)');
  });
});
