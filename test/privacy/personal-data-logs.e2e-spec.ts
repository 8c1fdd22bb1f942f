import { Writable } from 'node:stream';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const CUSTOMER = 'logs-customer-1';
const PHRASE = 'my neighbour Ottoline heard the whole call';
const EMAIL = 'ottoline.k4@example.net';
const PHONE = '+44 7700 900461';
const FIRST_NAME = 'Ottolinda';
const SIGNING_SECRET = 'whsec-3f9a1c77d2b84e0aa5c1';
const WEBHOOK_TOKEN = 'hooktoken-8e21b7';

/**
 * Runs the app with debug logging into memory through events, scoring, a decision, a
 * delivery and rejected requests, then checks that no log line contains personal data
 * or a secret.
 */
describe('log lines', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  const raw: string[] = [];
  const api = () => testApp.api();

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        raw.push(chunk.toString('utf8'));
        callback();
      },
    });
    testApp = await createTestApp({ env: { LOG_LEVEL: 'debug' }, logDestination: destination });
  });

  afterAll(async () => {
    await testApp?.close();
    await receiver?.stop();
  });

  it('contain no personal data or secrets', async () => {
    await api()
      .post('/v1/admin/channels')
      .send({ name: 'mail', kind: 'email', webhookUrl: `${receiver.url('/mail')}?token=${WEBHOOK_TOKEN}`, signingSecret: SIGNING_SECRET })
      .expect(201);
    await api()
      .post('/v1/admin/offers')
      .send({ name: 'mail-offer', channel: 'mail', content: { subject: 'Hi {{customer.attributes.firstName}}', text: 'Hello' }, requiredAttributes: ['firstName'] })
      .expect(201);
    await api().post('/v1/admin/campaigns').send({ key: 'logs', name: 'Logs', offers: ['mail-offer'], holdoutShare: 0 }).expect(201);
    await api()
      .post('/v1/events')
      .send({
        customerId: CUSTOMER, type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: new Date().toISOString(),
        text: `Terrible: ${PHRASE}.`, rating: 1, attributes: { email: EMAIL, phone: PHONE, firstName: FIRST_NAME },
      })
      .expect(202);
    await waitFor(async () => {
      const journey = await api().get(`/v1/customers/${CUSTOMER}/journey`).expect(200);
      return journey.body.pendingEvents === 0 ? true : undefined;
    }, 15_000, 'the event to be scored');
    const decision = await api().get(`/v1/customers/${CUSTOMER}/next-best-offer?channel=mail`).expect(200);
    expect(decision.body.arm).toBe('treatment');
    await waitFor(async () => {
      const message = await api().get(`/v1/admin/messages/${decision.body.message.id}`).expect(200);
      return message.body.status === 'sent' ? true : undefined;
    }, 15_000, 'the message to be sent');
    expect(JSON.stringify(receiver.requests.map((request) => request.body))).toContain(EMAIL);

    // Rejected requests that carry personal data in their bodies and in the path.
    await api().post('/v1/events').send({ customerId: CUSTOMER, type: 'call', text: PHRASE, attributes: { email: EMAIL } }).expect(400);
    await api().post('/v1/events').set('content-type', 'application/json').send(`{"text":"${PHRASE}",`).expect(400);
    await api().put(`/v1/customers/${encodeURIComponent(EMAIL)}/time-zone`).send({ timeZone: PHRASE }).expect(400);
    await testApp.as(`wl_${SIGNING_SECRET}`).get('/v1/admin/channels').expect(401);
    await api().get(`/v1/admin/customers/${CUSTOMER}/export`).expect(200);
    await api().delete(`/v1/admin/customers/${CUSTOMER}`).expect(200);

    const log = raw.join('');
    // The checks below can only fail if something was logged: debug lines from every stage.
    expect(raw.length).toBeGreaterThan(20);
    expect(raw.some((line) => JSON.parse(line).level === 20)).toBe(true);
    for (const secret of [PHRASE, 'Ottoline', EMAIL, PHONE, FIRST_NAME, SIGNING_SECRET, WEBHOOK_TOKEN, testApp.adminKey]) {
      expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
    }
  }, 60_000);
});
