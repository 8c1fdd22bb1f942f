import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const MINUTE_MS = 60_000;
// Two replicas share caps only through PostgreSQL and Redis; the embedded stores serve one process.
const itOnServers = process.env.DATABASE_URL && process.env.REDIS_URL ? it : it.skip;
const HOUR_MS = 3_600_000;
const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };

interface PolicyReasonBody {
  step: string;
  check: string;
  channel: string;
  outcome: string;
  detail: string;
  until?: string;
  timeZone?: string;
  arm?: string;
}

/**
 * Contact policies through the public API: configuration, consent, cooldown, quiet
 * hours, caps for both arms, and caps under 200 simultaneous decisions for one customer.
 */
describe('contact policies', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp();
    const api = testApp.api();
    for (const channel of ['email', 'sms', 'push']) {
      await api.post('/v1/admin/channels').send({ name: channel, webhookUrl: receiver.url(`/${channel}`) }).expect(201);
      await api.post('/v1/admin/offers').send({ name: `${channel}-offer`, channel, content: { text: 'hello' }, value: 10 }).expect(201);
    }
    await api.post('/v1/admin/campaigns').send({ key: 'email-all', name: 'E-mail', rule: ALWAYS, offers: ['email-offer'], holdoutShare: 0 }).expect(201);
    await api.post('/v1/admin/campaigns').send({ key: 'sms-all', name: 'SMS', rule: ALWAYS, offers: ['sms-offer'], holdoutShare: 0 }).expect(201);
    await api.post('/v1/admin/campaigns').send({ key: 'push-control', name: 'Push', rule: ALWAYS, offers: ['push-offer'], holdoutShare: 1 }).expect(201);
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  const api = () => testApp.api();
  const putPolicy = (policy: Record<string, unknown>) => api().put('/v1/admin/contact-policy').send(policy).expect(200);
  const createCustomer = (customerId: string, timeZone: string | null = 'UTC') =>
    api().put(`/v1/customers/${customerId}/time-zone`).send({ timeZone }).expect(200);
  const decide = (customerId: string, channel: string) =>
    api().get(`/v1/customers/${customerId}/next-best-offer`).query({ channel }).expect(200);
  const policyReasons = (body: { reasons: PolicyReasonBody[] }) => body.reasons.filter((reason) => reason.step === 'policy');
  const messageCount = (customerId: string) =>
    testApp.stores.database.prisma.outreachMessage.count({ where: { decision: { customerId } } });

  describe('configuration', () => {
    it('returns defaults before any policy is stored', async () => {
      const response = await api().get('/v1/admin/contact-policy').expect(200);
      expect(response.body).toEqual({
        maxPerDay: null,
        maxPerWeek: null,
        quietHours: null,
        cooldownHours: null,
        defaultTimeZone: 'UTC',
        updatedAt: null,
        channels: [],
      });
    });

    it('stores the policy and channel overrides', async () => {
      const stored = await putPolicy({ maxPerDay: 3, maxPerWeek: 10, quietHours: { start: '22:00', end: '07:00' }, cooldownHours: 48, defaultTimeZone: 'europe/berlin' });
      expect(stored.body).toMatchObject({ maxPerDay: 3, maxPerWeek: 10, quietHours: { start: '22:00', end: '07:00' }, cooldownHours: 48, defaultTimeZone: 'Europe/Berlin' });

      const channel = await api().put('/v1/admin/contact-policy/channels/sms').send({ maxPerDay: 1, requiresConsent: true }).expect(200);
      expect(channel.body).toMatchObject({ channel: 'sms', maxPerDay: 1, maxPerWeek: null, requiresConsent: true });
      const read = await api().get('/v1/admin/contact-policy').expect(200);
      expect(read.body.channels).toEqual([expect.objectContaining({ channel: 'sms', maxPerDay: 1, requiresConsent: true })]);

      await api().delete('/v1/admin/contact-policy/channels/sms').expect(200);
      const cleared = await api().get('/v1/admin/contact-policy/channels/sms').expect(200);
      expect(cleared.body).toMatchObject({ channel: 'sms', maxPerDay: null, requiresConsent: false, updatedAt: null });

      // PUT replaces the whole policy: fields left out return to their defaults.
      const replaced = await putPolicy({ maxPerWeek: 5 });
      expect(replaced.body).toMatchObject({ maxPerDay: null, maxPerWeek: 5, quietHours: null, cooldownHours: null, defaultTimeZone: 'UTC' });
    });

    it.each([
      [{ maxPerDay: -1 }, 'body.maxPerDay'],
      [{ maxPerDay: 1.5 }, 'body.maxPerDay'],
      [{ maxPerWeek: '3' }, 'body.maxPerWeek'],
      [{ quietHours: { start: '25:00', end: '07:00' } }, 'body.quietHours.start'],
      [{ quietHours: { start: '22:00', end: '22:00' } }, 'body.quietHours.end'],
      [{ quietHours: { start: '22:00' } }, 'body.quietHours.end'],
      [{ cooldownHours: 10_000 }, 'body.cooldownHours'],
      [{ defaultTimeZone: 'Mars/Olympus_Mons' }, 'body.defaultTimeZone'],
      [{ defaultTimeZone: '+01:00' }, 'body.defaultTimeZone'],
      [{ maxPerDy: 3 }, 'body'],
    ])('rejects the policy %j naming %s', async (body, path) => {
      const response = await api().put('/v1/admin/contact-policy').send(body).expect(400);
      expect(response.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    });

    it('rejects bad channel overrides', async () => {
      await api().put('/v1/admin/contact-policy/channels/fax').send({ maxPerDay: 1 }).expect(404);
      const response = await api().put('/v1/admin/contact-policy/channels/sms').send({ requiresConsent: 'yes' }).expect(400);
      expect(response.body.problems).toEqual([expect.objectContaining({ path: 'body.requiresConsent' })]);
    });

    it('rejects bad consent and time zones', async () => {
      const unknownChannel = await api().put('/v1/customers/c-bad/consent').send({ channels: { fax: 'granted' } }).expect(400);
      expect(unknownChannel.body.problems).toEqual([expect.objectContaining({ path: 'body.channels.fax' })]);
      const badStatus = await api().put('/v1/customers/c-bad/consent').send({ channels: { email: 'maybe' } }).expect(400);
      expect(badStatus.body.problems).toEqual([expect.objectContaining({ path: 'body.channels.email' })]);
      const empty = await api().put('/v1/customers/c-bad/consent').send({ channels: {} }).expect(400);
      expect(empty.body.problems).toEqual([expect.objectContaining({ path: 'body.channels' })]);
      const badZone = await api().put('/v1/customers/c-bad/time-zone').send({ timeZone: 'Europe/Nowhere' }).expect(400);
      expect(badZone.body.problems).toEqual([expect.objectContaining({ path: 'body.timeZone' })]);
      const badName = await api().put('/v1/customers/c-bad/consent').send({ channels: { 'E-Mail': 'granted' } }).expect(400);
      expect(badName.body.problems).toEqual([expect.objectContaining({ path: expect.stringMatching(/^body\.channels/) })]);
      const badId = await api().put('/v1/customers/%20c-bad/time-zone').send({ timeZone: 'UTC' }).expect(400);
      expect(badId.body.problems).toEqual([expect.objectContaining({ path: 'path.customerId' })]);
      await api().get('/v1/customers/c-bad/consent').expect(404);
    });
  });

  describe('decisions', () => {
    it('opt-out and missing consent block the channel', async () => {
      await putPolicy({});
      await api().put('/v1/admin/contact-policy/channels/sms').send({ requiresConsent: true }).expect(200);
      await createCustomer('c-consent');

      const noConsent = await decide('c-consent', 'sms');
      expect(noConsent.body.decisionId).toBeNull();
      expect(policyReasons(noConsent.body)).toEqual([expect.objectContaining({ check: 'consent', outcome: 'blocked', channel: 'sms' })]);

      const consent = await api().put('/v1/customers/c-consent/consent').send({ channels: { sms: 'granted', email: 'opted_out' } }).expect(200);
      expect(consent.body.channels.map((entry: { channel: string; status: string }) => [entry.channel, entry.status])).toEqual([
        ['email', 'opted_out'],
        ['sms', 'granted'],
      ]);
      const granted = await decide('c-consent', 'sms');
      expect(granted.body.decisionId).not.toBeNull();
      expect(granted.body.message).not.toBeNull();

      const optedOut = await decide('c-consent', 'email');
      expect(optedOut.body.decisionId).toBeNull();
      expect(policyReasons(optedOut.body)[0]).toMatchObject({ check: 'consent', outcome: 'blocked', detail: 'the customer opted out of this channel' });
      await api().delete('/v1/admin/contact-policy/channels/sms').expect(200);
    });

    it('a frustrated or angry event starts the cooldown', async () => {
      await putPolicy({ cooldownHours: 48 });
      await createCustomer('c-angry');
      const occurredAt = new Date(Date.now() - HOUR_MS).toISOString();
      await api()
        .post('/v1/events')
        .send({ customerId: 'c-angry', type: 'survey', touchpoint: 'survey', channel: 'web', occurredAt, rating: 1, text: 'Awful. I am furious.' })
        .expect(202);
      await waitFor(async () => {
        const journey = await api().get('/v1/customers/c-angry/journey');
        return journey.body.pendingEvents === 0 ? true : undefined;
      }, 15_000, 'the event to be scored');

      const blocked = await decide('c-angry', 'email');
      expect(blocked.body.decisionId).toBeNull();
      const cooldown = policyReasons(blocked.body).find((reason) => reason.check === 'cooldown');
      expect(cooldown).toMatchObject({ outcome: 'blocked', until: new Date(Date.parse(occurredAt) + 48 * HOUR_MS).toISOString() });

      await putPolicy({ cooldownHours: 1 });
      const allowed = await decide('c-angry', 'email');
      expect(allowed.body.decisionId).not.toBeNull();
      expect(policyReasons(allowed.body).find((reason) => reason.check === 'cooldown')).toMatchObject({ outcome: 'passed' });
    });

    it('quiet hours schedule the message at their end in the customer time zone', async () => {
      const configuredAt = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
      // Kathmandu is UTC+05:45: a window from an hour ago to an hour ahead, in local time.
      const localMinute = (new Date(configuredAt).getUTCHours() * 60 + new Date(configuredAt).getUTCMinutes() + 345) % 1440;
      const clock = (minute: number) => {
        const wrapped = (minute + 1440) % 1440;
        return `${String(Math.floor(wrapped / 60)).padStart(2, '0')}:${String(wrapped % 60).padStart(2, '0')}`;
      };
      await putPolicy({ quietHours: { start: clock(localMinute - 60), end: clock(localMinute + 60) } });
      await createCustomer('c-night', 'Asia/Kathmandu');

      const response = await decide('c-night', 'email');
      const expectedSendAt = new Date(configuredAt + HOUR_MS).toISOString();
      expect(response.body.message.sendAt).toBe(expectedSendAt);
      expect(policyReasons(response.body).find((reason) => reason.check === 'quiet-hours')).toMatchObject({
        outcome: 'deferred',
        until: expectedSendAt,
        timeZone: 'Asia/Kathmandu',
      });
      const stored = await testApp.stores.database.prisma.outreachMessage.findUnique({ where: { decisionId: response.body.decisionId } });
      expect(stored!.sendAt.toISOString()).toBe(expectedSendAt);
    });

    it('channel caps apply next to the overall caps', async () => {
      await putPolicy({ maxPerDay: 3 });
      await api().put('/v1/admin/contact-policy/channels/email').send({ maxPerDay: 1 }).expect(200);
      await createCustomer('c-channel-cap');

      expect((await decide('c-channel-cap', 'email')).body.decisionId).not.toBeNull();
      const blocked = await decide('c-channel-cap', 'email');
      expect(blocked.body.decisionId).toBeNull();
      expect(policyReasons(blocked.body).find((reason) => reason.check === 'cap')).toMatchObject({ outcome: 'blocked', detail: expect.stringContaining('per day on email') });
      // The overall cap still has room for another channel.
      expect((await decide('c-channel-cap', 'sms')).body.decisionId).not.toBeNull();
      expect(await messageCount('c-channel-cap')).toBe(2);
      await api().delete('/v1/admin/contact-policy/channels/email').expect(200);
    });

    it('caps count recorded sends after the live store loses its counters', async () => {
      await putPolicy({ maxPerDay: 2 });
      await createCustomer('c-restart');
      expect((await decide('c-restart', 'email')).body.decisionId).not.toBeNull();
      expect((await decide('c-restart', 'email')).body.decisionId).not.toBeNull();

      // As after a restart of the in-memory store or a flushed Redis.
      const today = new Date().toISOString().slice(0, 10);
      await testApp.stores.liveStore.delete(`contact-cap:send:c-restart:all:day:${today}`);

      const third = await decide('c-restart', 'email');
      expect(third.body.decisionId).toBeNull();
      expect(policyReasons(third.body).find((reason) => reason.check === 'cap')).toMatchObject({ outcome: 'blocked' });
      expect(await messageCount('c-restart')).toBe(2);
    });

    it('control decisions are capped apart from sends', async () => {
      await putPolicy({ maxPerDay: 2 });
      await createCustomer('c-control');

      const first = await decide('c-control', 'push');
      const second = await decide('c-control', 'push');
      const third = await decide('c-control', 'push');
      expect([first.body.arm, second.body.arm, third.body.arm]).toEqual(['control', 'control', null]);
      expect(policyReasons(third.body).find((reason) => reason.check === 'cap')).toMatchObject({
        outcome: 'blocked',
        arm: 'control',
        detail: expect.stringContaining('control decisions'),
      });
      expect(await messageCount('c-control')).toBe(0);

      // The control decisions used none of the customer's two real sends.
      expect((await decide('c-control', 'email')).body.arm).toBe('treatment');
      expect((await decide('c-control', 'email')).body.arm).toBe('treatment');
      expect((await decide('c-control', 'email')).body.decisionId).toBeNull();
    });

    it('200 simultaneous decisions for one customer never exceed the cap', async () => {
      await putPolicy({ maxPerDay: 3, maxPerWeek: 20 });
      await createCustomer('c-burst');

      const responses = await Promise.all(
        Array.from({ length: 200 }, () => testApp.api().get('/v1/customers/c-burst/next-best-offer').query({ channel: 'email' })),
      );
      expect(responses.map((response) => response.status).filter((status) => status !== 200)).toEqual([]);
      const decided = responses.filter((response) => response.body.decisionId !== null);
      const blocked = responses.filter((response) => response.body.decisionId === null);
      expect(decided).toHaveLength(3);
      expect(blocked).toHaveLength(197);
      for (const response of blocked) {
        expect(policyReasons(response.body).find((reason) => reason.check === 'cap')).toMatchObject({ outcome: 'blocked' });
      }
      expect(await messageCount('c-burst')).toBe(3);
      expect(await testApp.stores.database.prisma.decision.count({ where: { customerId: 'c-burst' } })).toBe(3);
    });

    itOnServers('two replicas share the caps', async () => {
      await putPolicy({ maxPerDay: 4 });
      await createCustomer('c-replicas');
      const replica = await createTestApp({ withWorker: false, shareStoresOf: testApp });
      try {
        const responses = await Promise.all(
          Array.from({ length: 200 }, (_, index) =>
            (index % 2 === 0 ? testApp : replica).api().get('/v1/customers/c-replicas/next-best-offer').query({ channel: 'email' }),
          ),
        );
        expect(responses.map((response) => response.status).filter((status) => status !== 200)).toEqual([]);
        expect(responses.filter((response) => response.body.decisionId !== null)).toHaveLength(4);
        expect(await messageCount('c-replicas')).toBe(4);
      } finally {
        await replica.close();
      }
    });
  });
});
