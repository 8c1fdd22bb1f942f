import { setTimeout as sleep } from 'node:timers/promises';
import { hourOfWeek, type SendTimeReason } from '#wayline/delivery';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };
const THURSDAY_19 = 3 * 24 + 19;
const TUESDAY_23 = 24 + 23;

/** Instants in the last five weeks that fall 20 minutes into local hour `hour` of the week, newest first, at most `count`. */
function pastInstantsAt(hour: number, timeZone: string, count: number): string[] {
  const instants: string[] = [];
  const currentHourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  for (let back = 1; back <= 5 * 168 && instants.length < count; back += 1) {
    const instant = currentHourStart - back * HOUR_MS + 20 * 60_000;
    if (hourOfWeek(instant, timeZone) === hour) {
      instants.push(new Date(instant).toISOString());
    }
  }
  return instants;
}

interface DecisionBody {
  message: { id: string; sendAt: string; status: string; sendTimeReason: SendTimeReason | null } | null;
}

/**
 * Send-time optimization through the public API, with the worker delivering to a real
 * receiver on 127.0.0.1: the customer's own pattern, the segment and global fallbacks,
 * and quiet hours that the choice must avoid.
 */
describe('send-time optimization', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp({ env: { WAYLINE_SEND_TIME_HORIZON_HOURS: '168' } });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: receiver.url('/email') }).expect(201);
    await api.post('/v1/admin/offers').send({ name: 'newsletter', channel: 'email', content: { subject: 'Hello' }, value: 5 }).expect(201);
    await api.post('/v1/admin/campaigns').send({ key: 'weekly', name: 'Weekly', rule: ALWAYS, offers: ['newsletter'], holdoutShare: 0 }).expect(201);
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  const api = () => testApp.api();
  const sendEvents = (customerId: string, type: string, instants: string[], attributes?: Record<string, unknown>) =>
    api()
      .post('/v1/events')
      .send({ events: instants.map((occurredAt) => ({ customerId, type, touchpoint: type, channel: 'email', occurredAt, attributes })) })
      .expect(202);
  const decide = async (customerId: string): Promise<DecisionBody> =>
    (await api().get(`/v1/customers/${customerId}/next-best-offer`).query({ channel: 'email' }).expect(200)).body as DecisionBody;

  it('uses the customer own peak hour in their time zone', async () => {
    await api().put('/v1/customers/evening-reader/time-zone').send({ timeZone: 'Europe/Berlin' }).expect(200);
    await sendEvents('evening-reader', 'open', pastInstantsAt(THURSDAY_19, 'Europe/Berlin', 4));
    await sendEvents('evening-reader', 'click', pastInstantsAt(THURSDAY_19, 'Europe/Berlin', 2));
    // A call is not an engagement event, so this one must not pull the choice to Monday.
    await sendEvents('evening-reader', 'call', pastInstantsAt(9, 'Europe/Berlin', 5));

    const startedAt = Date.now();
    const body = await decide('evening-reader');
    const reason = body.message!.sendTimeReason!;
    const sendAt = Date.parse(body.message!.sendAt);

    expect(reason.source).toBe('customer');
    expect(reason.timeZone).toBe('Europe/Berlin');
    expect(reason.hourOfWeek).toBe(THURSDAY_19);
    expect(reason.localTime).toBe('Thu 19:00');
    expect(reason.counts.customer).toBe(6);
    expect(reason.eventsInHour).toBe(6);
    expect(reason.score).toBeGreaterThan(0);
    expect(hourOfWeek(sendAt, 'Europe/Berlin')).toBe(THURSDAY_19);
    expect(sendAt).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(sendAt).toBeLessThan(startedAt + WEEK_MS);

    const stored = await testApp.stores.database.prisma.outreachMessage.findUniqueOrThrow({ where: { id: body.message!.id } });
    expect(stored.sendTimeReason).toEqual(reason);
    expect(stored.sendAt.getTime()).toBe(sendAt);
  });

  it('falls back to the segment, then to the global pattern', async () => {
    // Twenty-four opens of other night owls on Tuesday 23:00 UTC make the segment usable.
    for (let index = 0; index < 8; index += 1) {
      await sendEvents(`owl-${index}`, 'open', pastInstantsAt(TUESDAY_23, 'UTC', 3), { segment: 'night-owls' });
    }
    await sendEvents('new-owl', 'visit', pastInstantsAt(5, 'UTC', 1), { segment: 'night-owls' });

    const owl = (await decide('new-owl')).message!.sendTimeReason!;
    expect(owl.source).toBe('segment');
    expect(owl.segment).toBe('night-owls');
    expect(owl.localTime).toBe('Tue 23:00');
    // The segment's 25 events include the customer's own visit.
    expect(owl.counts).toEqual({ customer: 1, segment: 25, global: null });

    await sendEvents('unknown-segment', 'visit', pastInstantsAt(5, 'UTC', 1), { segment: 'nobody-else' });
    const global = (await decide('unknown-segment')).message!.sendTimeReason!;
    expect(global.source).toBe('global');
    expect(global.counts.segment).toBe(1);
    // Global: 24 owls' opens, 1 + 1 visits, and the evening reader's 6.
    expect(global.counts.global).toBe(32);
    expect(global.localTime).toBe('Tue 23:00');
  });

  it('delivers a message whose best hour is now to the receiver', async () => {
    // Close to the end of an hour, wait for the next one, so the hour cannot change between the events and the decision.
    const leftInHourMs = HOUR_MS - (Date.now() % HOUR_MS);
    if (leftInHourMs < 2 * 60_000) {
      await sleep(leftInHourMs + 1000);
    }
    await sendEvents('now-reader', 'purchase', pastInstantsAt(hourOfWeek(Date.now(), 'UTC'), 'UTC', 6));

    const body = await decide('now-reader');
    expect(body.message!.sendTimeReason!.source).toBe('customer');
    expect(Date.parse(body.message!.sendAt)).toBeLessThanOrEqual(Date.now());

    const delivered = await waitFor(
      async () => receiver.requests.find((received) => received.headers['idempotency-key'] === body.message!.id),
      20_000,
      'the delivery of the message sent now',
    );
    expect(delivered.path).toBe('/email');
  }, 200_000);

  it('never picks an hour inside the quiet hours', async () => {
    await api().put('/v1/admin/contact-policy').send({ quietHours: { start: '18:00', end: '21:00' } }).expect(200);
    await api().put('/v1/customers/quiet-reader/time-zone').send({ timeZone: 'Europe/Berlin' }).expect(200);
    await sendEvents('quiet-reader', 'open', pastInstantsAt(THURSDAY_19, 'Europe/Berlin', 5));
    await sendEvents('quiet-reader', 'open', pastInstantsAt(THURSDAY_19 + 2, 'Europe/Berlin', 1));

    const reason = (await decide('quiet-reader')).message!.sendTimeReason!;

    expect(reason.source).toBe('customer');
    // Thursday 20:00 and 21:00 both score; 20:00 is quiet, so 21:00 wins.
    expect(reason.localTime).toBe('Thu 21:00');
  });
});
