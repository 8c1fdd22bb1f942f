import { ContactPolicyService } from '#wayline/decisioning';
import { DeliveryService, type DeliveryTickResult } from '#wayline/delivery';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver, type ReceiverOptions } from './webhook-receiver.ts';

const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };
const SECRET = 'whsec-3f9a1c7e5b2d4068';
const MAX_ATTEMPTS = 4;

interface Scenario {
  channel: string;
  campaign: string;
  receiver: WebhookReceiver;
}

interface ScenarioOptions {
  channel?: Record<string, unknown>;
  receiver?: ReceiverOptions;
  content?: Record<string, unknown>;
  requiredAttributes?: string[];
}

/**
 * Channel adapters through the public API with real receivers on 127.0.0.1: signed
 * requests checked by the receiver, rendered templates per channel kind, retries,
 * parking, dead letters, and the re-check before sending. The worker's interval is off,
 * so each test runs delivery ticks itself and no tick races the test's own steps.
 */
describe('channel adapters', () => {
  let testApp: TestApp;
  let delivery: DeliveryService;
  const receivers: WebhookReceiver[] = [];
  let sequence = 0;

  beforeAll(async () => {
    testApp = await createTestApp({
      withWorker: false,
      env: { WAYLINE_DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS), WAYLINE_DELIVERY_BACKOFF_MS: '10' },
    });
    delivery = testApp.app.get(DeliveryService);
    delivery.useSendRecheck(testApp.app.get(ContactPolicyService));
  });

  afterAll(async () => {
    for (const receiver of receivers) {
      await receiver.close();
    }
    await testApp?.close();
  });

  const api = () => testApp.api();
  const prisma = () => testApp.stores.database.prisma;

  /** Runs one delivery tick at `offsetMs` from now; retries of a 10 ms backoff are due a second later. */
  const tick = (offsetMs = 0): Promise<DeliveryTickResult> => delivery.deliverDue(new Date(Date.now() + offsetMs));

  /** Creates a receiver, a channel on it, an offer and a campaign without holdout, all with fresh names. */
  async function createScenario(options: ScenarioOptions = {}): Promise<Scenario> {
    sequence += 1;
    const receiver = await WebhookReceiver.start('/hook', options.receiver);
    receivers.push(receiver);
    const channel = `adapter-${sequence}`;
    const campaign = `adapter-campaign-${sequence}`;
    await api().post('/v1/admin/channels').send({ name: channel, webhookUrl: receiver.url, ...options.channel }).expect(201);
    await api()
      .post('/v1/admin/offers')
      .send({
        name: `adapter-offer-${sequence}`,
        channel,
        content: options.content ?? { headline: 'Hello {{customer.attributes.firstName}}', details: { price: '{{offer.value}} EUR' } },
        requiredAttributes: options.requiredAttributes ?? ['firstName'],
        value: 15,
      })
      .expect(201);
    await api().post('/v1/admin/campaigns').send({ key: campaign, name: campaign, rule: ALWAYS, offers: [`adapter-offer-${sequence}`], holdoutShare: 0 }).expect(201);
    return { channel, campaign, receiver };
  }

  /** Creates the customer with `attributes` and records a treatment decision with its message. */
  async function decide(scenario: Scenario, attributes: Record<string, unknown> = { firstName: 'Ada' }): Promise<{ customerId: string; decisionId: string; messageId: string }> {
    const customerId = `adapter-customer-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
    await api()
      .post('/v1/events')
      .send({ customerId, type: 'visit', touchpoint: 'web', channel: 'web', occurredAt: new Date(Date.now() - 60_000).toISOString(), attributes })
      .expect(202);
    const response = await api().get(`/v1/customers/${customerId}/next-best-offer`).query({ channel: scenario.channel }).expect(200);
    expect(response.body.arm).toBe('treatment');
    return { customerId, decisionId: response.body.decisionId, messageId: response.body.message.id };
  }

  const message = (id: string) => prisma().outreachMessage.findUniqueOrThrow({ where: { id } });

  describe('channel configuration', () => {
    it('never returns the signing secret', async () => {
      const created = await api()
        .post('/v1/admin/channels')
        .send({ name: 'signed-config', webhookUrl: 'http://127.0.0.1:9/hook', signingSecret: SECRET, timeoutMs: 2500 })
        .expect(201);
      const read = await api().get('/v1/admin/channels/signed-config').expect(200);
      const listed = await api().get('/v1/admin/channels').expect(200);

      for (const body of [created.body, read.body, ...listed.body.channels]) {
        expect(JSON.stringify(body)).not.toContain(SECRET);
        expect(body).not.toHaveProperty('signingSecret');
      }
      expect(read.body).toMatchObject({ kind: 'webhook', hasSigningSecret: true, timeoutMs: 2500, recipientAttribute: null });

      const cleared = await api().patch('/v1/admin/channels/signed-config').send({ signingSecret: null, timeoutMs: null }).expect(200);
      expect(cleared.body).toMatchObject({ hasSigningSecret: false, timeoutMs: null });
    });

    it('resets the recipient attribute when the kind changes', async () => {
      await api().post('/v1/admin/channels').send({ name: 'kind-change', webhookUrl: 'http://127.0.0.1:9/k' }).expect(201);

      const sms = await api().patch('/v1/admin/channels/kind-change').send({ kind: 'sms' }).expect(200);
      const renamed = await api().patch('/v1/admin/channels/kind-change').send({ recipientAttribute: 'mobile' }).expect(200);
      const webhook = await api().patch('/v1/admin/channels/kind-change').send({ kind: 'webhook' }).expect(200);
      const rejected = await api().patch('/v1/admin/channels/kind-change').send({ recipientAttribute: 'mobile' }).expect(400);

      expect(sms.body).toMatchObject({ kind: 'sms', recipientAttribute: 'phone' });
      expect(renamed.body).toMatchObject({ kind: 'sms', recipientAttribute: 'mobile' });
      expect(webhook.body).toMatchObject({ kind: 'webhook', recipientAttribute: null });
      expect(rejected.body.problems[0].path).toBe('body.recipientAttribute');
    });

    it('defaults the recipient attribute by kind', async () => {
      const email = await api().post('/v1/admin/channels').send({ name: 'kind-email', webhookUrl: 'http://127.0.0.1:9/e', kind: 'email' }).expect(201);
      const sms = await api().post('/v1/admin/channels').send({ name: 'kind-sms', webhookUrl: 'http://127.0.0.1:9/s', kind: 'sms', recipientAttribute: 'mobile' }).expect(201);

      expect(email.body.recipientAttribute).toBe('email');
      expect(sms.body.recipientAttribute).toBe('mobile');
    });

    it.each([
      [{ kind: 'fax' }, 'body.kind'],
      [{ signingSecret: 'short' }, 'body.signingSecret'],
      [{ signingSecret: 'sixteen chars with spaces' }, 'body.signingSecret'],
      [{ timeoutMs: 5 }, 'body.timeoutMs'],
      [{ timeoutMs: 1.5 }, 'body.timeoutMs'],
      // The test stores keep the default lease of 60,000 ms.
      [{ timeoutMs: 60_000 }, 'body.timeoutMs'],
      [{ recipientAttribute: 'email' }, 'body.recipientAttribute'],
      [{ kind: 'sms', recipientAttribute: 'phone number' }, 'body.recipientAttribute'],
    ])('rejects %o naming %s', async (fields, path) => {
      const response = await api().post('/v1/admin/channels').send({ name: 'bad-config', webhookUrl: 'http://127.0.0.1:9/hook', ...fields }).expect(400);

      expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(path);
      await api().get('/v1/admin/channels/bad-config').expect(404);
    });

    it('rejects a kind its active offers do not fit', async () => {
      const scenario = await createScenario();

      const response = await api().patch(`/v1/admin/channels/${scenario.channel}`).send({ kind: 'email' }).expect(400);

      expect(response.body.problems[0].path).toBe('body.kind');
      expect(response.body.problems[0].message).toContain('content.subject');
      const unchanged = await api().get(`/v1/admin/channels/${scenario.channel}`).expect(200);
      expect(unchanged.body.kind).toBe('webhook');
    });
  });

  describe('offer templates', () => {
    beforeAll(async () => {
      await api().post('/v1/admin/channels').send({ name: 'template-webhook', webhookUrl: 'http://127.0.0.1:9/t' }).expect(201);
      await api().post('/v1/admin/channels').send({ name: 'template-email', webhookUrl: 'http://127.0.0.1:9/t', kind: 'email' }).expect(201);
    });

    it.each([
      ['an unknown variable', { subject: 'Hi {{customer.name}}' }, 'body.content.subject', 'unknown variable'],
      ['an undeclared attribute', { subject: 'Hi {{customer.attributes.lastName}}' }, 'body.content.subject', 'not in requiredAttributes'],
      ['a syntax error', { subject: 'Hi {{customer.id' }, 'body.content.subject', 'not a valid template'],
      ['unescaped output', { subject: 'Hi {{{customer.id}}}' }, 'body.content.subject', 'unescaped'],
      ['a partial', { subject: '{{> footer}}' }, 'body.content.subject', 'partial'],
      ['a helper', { subject: '{{lookup customer.attributes "firstName"}}' }, 'body.content.subject', 'helper'],
      ['a nested field', { blocks: [{ text: '{{offer.price}}' }] }, 'body.content.blocks[0].text', 'unknown variable'],
    ])('rejects %s', async (_case, content, path, words) => {
      const response = await api()
        .post('/v1/admin/offers')
        .send({ name: 'bad-template', channel: 'template-webhook', content, requiredAttributes: ['firstName'] })
        .expect(400);

      expect(response.body.problems[0].path).toBe(path);
      expect(response.body.problems[0].message).toContain(words);
      await api().get('/v1/admin/offers/bad-template').expect(404);
    });

    it('rejects an e-mail offer without a subject', async () => {
      const response = await api().post('/v1/admin/offers').send({ name: 'no-subject', channel: 'template-email', content: { text: 'Hello' } }).expect(400);

      expect(response.body.problems[0].path).toBe('body.content.subject');
    });

    it('rejects an undeclared attribute on PATCH', async () => {
      await api()
        .post('/v1/admin/offers')
        .send({ name: 'patched-template', channel: 'template-webhook', content: { text: 'Hi {{customer.attributes.firstName}}' }, requiredAttributes: ['firstName'] })
        .expect(201);

      const response = await api().patch('/v1/admin/offers/patched-template').send({ requiredAttributes: [] }).expect(400);

      expect(response.body.problems[0].path).toBe('body.content.text');
    });

    it('rejects a campaign whose offer holds an invalid template', async () => {
      const created = await api()
        .post('/v1/admin/offers')
        .send({ name: 'legacy-template', channel: 'template-webhook', content: { text: 'plain' } })
        .expect(201);
      // An offer stored before templates were checked, written past the API.
      await prisma().offer.update({ where: { id: created.body.id }, data: { content: { text: 'Hi {{customer.nickname}}' } } });

      const response = await api()
        .post('/v1/admin/campaigns')
        .send({ key: 'legacy-campaign', name: 'Legacy', rule: ALWAYS, offers: ['legacy-template'], holdoutShare: 0 })
        .expect(400);

      expect(response.body.problems[0].path).toBe('body.offers[0]');
      expect(response.body.problems[0].message).toContain("content.text uses the unknown variable 'customer.nickname'");
    });

    it('accepts conditions on optional attributes', async () => {
      await api()
        .post('/v1/admin/offers')
        .send({
          name: 'conditional-template',
          channel: 'template-webhook',
          content: { text: 'Hi {{#if customer.attributes.nickname}}{{customer.attributes.nickname}}{{else}}there{{/if}}' },
          requiredAttributes: ['nickname'],
        })
        .expect(201);
    });
  });

  describe('sending', () => {
    it('signs webhook requests and renders the content', async () => {
      const scenario = await createScenario({ channel: { signingSecret: SECRET }, receiver: { signingSecret: SECRET } });
      const { customerId, messageId } = await decide(scenario, { firstName: 'Ada <3' });

      const result = await tick();

      expect(result).toMatchObject({ sent: 1, failed: 0 });
      const [received] = scenario.receiver.requestsFor(messageId);
      expect(received?.signature).toBe('valid');
      expect(received?.headers['wayline-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const body = received?.body as { customerId: string; offer: { content: unknown } };
      expect(body.customerId).toBe(customerId);
      // A webhook gets JSON, so nothing is HTML-escaped.
      expect(body.offer.content).toEqual({ headline: 'Hello Ada <3', details: { price: '15 EUR' } });
    });

    it('lets the receiver reject a request signed with another secret', async () => {
      const scenario = await createScenario({ channel: { signingSecret: SECRET }, receiver: { signingSecret: 'another-secret-0123456789' } });
      const { messageId } = await decide(scenario);

      const result = await tick();

      expect(result).toMatchObject({ sent: 0, failed: 1 });
      expect(scenario.receiver.requestsFor(messageId)[0]?.signature).toBe('mismatch');
      expect(await message(messageId)).toMatchObject({ status: 'failed', lastError: 'HTTP 401' });
    });

    it('lets the receiver reject an old signature timestamp', async () => {
      const scenario = await createScenario({ channel: { signingSecret: SECRET }, receiver: { signingSecret: SECRET, toleranceSeconds: 300 } });
      const { messageId } = await decide(scenario);
      const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
      await prisma().outreachMessage.update({ where: { id: messageId }, data: { sendAt: twentyMinutesAgo, nextAttemptAt: twentyMinutesAgo } });

      // A tick whose clock is ten minutes behind signs with a timestamp outside the receiver's five minutes.
      await tick(-10 * 60_000);

      expect(scenario.receiver.requestsFor(messageId)[0]?.signature).toBe('expired');
      expect(await message(messageId)).toMatchObject({ status: 'failed', lastError: 'HTTP 401' });
    });

    it('sends no signature without a secret', async () => {
      const scenario = await createScenario();
      const { messageId } = await decide(scenario);

      await tick();

      expect(scenario.receiver.requestsFor(messageId)[0]?.headers['wayline-signature']).toBeUndefined();
    });

    it('maps e-mail content and escapes only the HTML part', async () => {
      const scenario = await createScenario({
        channel: { kind: 'email', recipientAttribute: 'emailAddress' },
        content: {
          subject: 'For {{customer.attributes.firstName}}',
          html: '<p>Hello {{customer.attributes.firstName}}</p>',
          text: 'Hello {{customer.attributes.firstName}}',
        },
        requiredAttributes: ['firstName', 'emailAddress'],
      });
      const { messageId } = await decide(scenario, { firstName: 'Tom & <Jerry>', emailAddress: 'tom@example.test' });

      await tick();

      expect(scenario.receiver.requestsFor(messageId)[0]?.body).toEqual({
        to: 'tom@example.test',
        subject: 'For Tom & <Jerry>',
        html: '<p>Hello Tom &amp; &lt;Jerry&gt;</p>',
        text: 'Hello Tom & <Jerry>',
      });
    });

    it('maps SMS content without escaping', async () => {
      const scenario = await createScenario({
        channel: { kind: 'sms' },
        content: { body: '{{customer.attributes.firstName}}: {{offer.name}} & more' },
        requiredAttributes: ['firstName', 'phone'],
      });
      const { messageId } = await decide(scenario, { firstName: 'Ada', phone: '+4915100000000' });

      await tick();

      expect(scenario.receiver.requestsFor(messageId)[0]?.body).toEqual({ to: '+4915100000000', body: `Ada: adapter-offer-${sequence} & more` });
    });

    it('cancels a message whose customer lacks a template attribute', async () => {
      const scenario = await createScenario();
      const { messageId } = await decide(scenario, { lastName: 'Lovelace' });

      const result = await tick();

      expect(result).toMatchObject({ sent: 0, cancelled: 1 });
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
      const stored = await message(messageId);
      expect(stored.status).toBe('cancelled');
      expect(stored.statusReason).toContain("'customer.attributes.firstName' in content.headline");
    });

    it('cancels an SMS whose customer has no phone number', async () => {
      const scenario = await createScenario({ channel: { kind: 'sms' }, content: { body: 'Hi' }, requiredAttributes: [] });
      const { messageId } = await decide(scenario, {});

      await tick();

      const stored = await message(messageId);
      expect(stored.status).toBe('cancelled');
      expect(stored.statusReason).toContain("no 'phone' attribute");
    });
  });

  describe('retries and dead letters', () => {
    it('retries 500, 429 and a timeout, then delivers', async () => {
      const scenario = await createScenario({ channel: { timeoutMs: 200 } });
      const replies = [{ status: 500 }, { status: 429 }, { status: 200, delayMs: 1000 }, { status: 200 }];
      scenario.receiver.plan = (_request, index) => replies[index] ?? { status: 200 };
      const { messageId } = await decide(scenario);

      const results = [await tick(), await tick(1000), await tick(2000), await tick(3000)];

      expect(results.map((result) => result.retried)).toEqual([1, 1, 1, 0]);
      expect(results.map((result) => result.sent)).toEqual([0, 0, 0, 1]);
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(4);
      const stored = await message(messageId);
      expect(stored).toMatchObject({ status: 'sent', attempts: 4, lastError: 'timed out after 200 ms' });
    });

    it('parks on 400 and delivers after a retry through the admin API', async () => {
      const scenario = await createScenario();
      scenario.receiver.plan = () => ({ status: 400 });
      const { messageId, decisionId, customerId } = await decide(scenario);

      const first = await tick();

      expect(first).toMatchObject({ failed: 1, retried: 0 });
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(1);

      const listed = await api().get('/v1/admin/dead-letters').query({ channel: scenario.channel }).expect(200);
      expect(listed.body.deadLetters).toEqual([
        expect.objectContaining({ id: messageId, decisionId, customerId, channel: scenario.channel, campaign: scenario.campaign, attempts: 1, lastError: 'HTTP 400' }),
      ]);
      const byCampaign = await api().get('/v1/admin/dead-letters').query({ campaign: scenario.campaign }).expect(200);
      expect(byCampaign.body.deadLetters.map((row: { id: string }) => row.id)).toEqual([messageId]);

      scenario.receiver.plan = () => ({ status: 200 });
      await api().post(`/v1/admin/dead-letters/${messageId}/retry`).expect(200, { id: messageId, status: 'pending' });
      await api().post(`/v1/admin/dead-letters/${messageId}/retry`).expect(409);
      const retried = await tick();

      expect(retried).toMatchObject({ sent: 1 });
      expect(await message(messageId)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(2);
      const after = await api().get('/v1/admin/dead-letters').query({ channel: scenario.channel }).expect(200);
      expect(after.body.deadLetters).toEqual([]);
    });

    it('retries dead letters in bulk by channel and pages the list', async () => {
      const scenario = await createScenario();
      scenario.receiver.plan = () => ({ status: 404 });
      const ids = [];
      for (let index = 0; index < 3; index += 1) {
        ids.push((await decide(scenario)).messageId);
      }
      await tick();

      const firstPage = await api().get('/v1/admin/dead-letters').query({ channel: scenario.channel, limit: 2 }).expect(200);
      const secondPage = await api().get('/v1/admin/dead-letters').query({ channel: scenario.channel, limit: 2, cursor: firstPage.body.nextCursor }).expect(200);
      expect(firstPage.body.deadLetters).toHaveLength(2);
      expect(secondPage.body.deadLetters).toHaveLength(1);
      expect(secondPage.body.nextCursor).toBeNull();
      const paged = [...firstPage.body.deadLetters, ...secondPage.body.deadLetters].map((row: { id: string }) => row.id);
      expect(paged.sort()).toEqual([...ids].sort());

      scenario.receiver.plan = () => ({ status: 200 });
      const bulk = await api().post('/v1/admin/dead-letters/retry').send({ channel: scenario.channel }).expect(200);
      expect(bulk.body.retried).toBe(3);
      const result = await tick();

      expect(result).toMatchObject({ sent: 3 });
    });

    it.each([
      ['get', '/v1/admin/dead-letters?channel=no-such-channel', 'query.channel', undefined],
      ['get', '/v1/admin/dead-letters?limit=0', 'query.limit', undefined],
      ['get', '/v1/admin/dead-letters?cursor=bm90LWEtY3Vyc29y', 'query.cursor', undefined],
      ['post', '/v1/admin/dead-letters/retry', 'body', {}],
      ['post', '/v1/admin/dead-letters/retry', 'body.campaign', { campaign: 'no-such-campaign' }],
      ['post', '/v1/admin/dead-letters/retry', 'body.ids[0]', { ids: ['not-a-uuid'] }],
      ['post', '/v1/admin/dead-letters/not-a-uuid/retry', 'path.id', undefined],
    ])('%s %s rejects naming %s', async (method, path, problemPath, body) => {
      const call = method === 'get' ? api().get(path) : api().post(path).send(body ?? {});
      const response = await call.expect(400);

      expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(problemPath);
    });

    it('returns 404 for an unknown message', async () => {
      await api().post('/v1/admin/dead-letters/00000000-0000-4000-8000-000000000000/retry').expect(404);
    });
  });

  describe('re-check before sending', () => {
    it('cancels when the customer converted after the decision', async () => {
      const scenario = await createScenario();
      const { messageId, customerId } = await decide(scenario);
      await api().post('/v1/outcomes').send({ customerId, campaign: scenario.campaign, type: 'conversion', value: 30 }).expect(201);

      const result = await tick();

      expect(result).toMatchObject({ sent: 0, cancelled: 1 });
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
      expect(await message(messageId)).toMatchObject({ status: 'cancelled', statusReason: 'the customer converted after the decision' });
    });

    it('cancels when the customer opted out after the decision', async () => {
      const scenario = await createScenario();
      const { messageId, customerId } = await decide(scenario);
      await api().put(`/v1/customers/${customerId}/consent`).send({ channels: { [scenario.channel]: 'opted_out' } }).expect(200);

      await tick();

      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
      const stored = await message(messageId);
      expect(stored.status).toBe('cancelled');
      expect(stored.statusReason).toBe('consent: the customer opted out of this channel');
    });

    it('cancels when the customer turned angry after the decision', async () => {
      const scenario = await createScenario();
      const { messageId, customerId } = await decide(scenario);
      // The worker's scoring is off in this file, so the event is stored as scoring would leave it.
      await prisma().event.create({
        data: { customerId, type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: new Date(), emotionLabel: 'angry', valence: -0.8, scoredAt: new Date() },
      });
      await api().put('/v1/admin/contact-policy').send({ cooldownHours: 48 }).expect(200);

      try {
        await tick();

        expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
        const stored = await message(messageId);
        expect(stored.status).toBe('cancelled');
        expect(stored.statusReason).toMatch(/^cooldown: a frustrated or angry event at .* starts a 48-hour cooldown$/);
      } finally {
        await api().put('/v1/admin/contact-policy').send({}).expect(200);
      }
    });

    it('cancels when a cap was lowered after the decision', async () => {
      const scenario = await createScenario();
      const first = await decide(scenario);
      const second = await api().get(`/v1/customers/${first.customerId}/next-best-offer`).query({ channel: scenario.channel }).expect(200);
      await api().put('/v1/admin/contact-policy').send({ maxPerDay: 1 }).expect(200);

      try {
        const result = await tick();

        // Both messages count against the cap, so neither may go out: the re-check errs on the side of sending less.
        expect(result).toMatchObject({ sent: 0, cancelled: 2 });
        for (const id of [first.messageId, second.body.message.id]) {
          const stored = await message(id);
          expect(stored.status).toBe('cancelled');
          expect(stored.statusReason).toMatch(/^cap: the cap of 1 messages per day over all channels/);
        }
      } finally {
        await api().put('/v1/admin/contact-policy').send({}).expect(200);
      }
    });

    it('defers a message that comes due inside the quiet hours', async () => {
      const scenario = await createScenario();
      const { messageId } = await decide(scenario);
      const clock = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(11, 16);
      await api().put('/v1/admin/contact-policy').send({ quietHours: { start: clock(-60 * 60_000), end: clock(60 * 60_000) } }).expect(200);

      try {
        const result = await tick();

        expect(result).toMatchObject({ sent: 0, deferred: 1 });
        expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
        const stored = await message(messageId);
        expect(stored.status).toBe('pending');
        expect(stored.attempts).toBe(0);
        expect(stored.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      } finally {
        await api().put('/v1/admin/contact-policy').send({}).expect(200);
      }
      // Later tests tick far into the future, where this message would be due again.
      await prisma().outreachMessage.update({ where: { id: messageId }, data: { status: 'cancelled', statusReason: 'test cleanup' } });
    });

    it('still sends when nothing changed', async () => {
      const scenario = await createScenario();
      const { messageId, customerId } = await decide(scenario);
      await api().post('/v1/outcomes').send({ customerId, campaign: scenario.campaign, type: 'click' }).expect(201);

      await tick();

      expect(await message(messageId)).toMatchObject({ status: 'sent' });
    });
  });

  describe('grace period', () => {
    it('skips a message due longer ago than the grace period', async () => {
      const scenario = await createScenario();
      const { messageId } = await decide(scenario);
      const graceMs = testApp.stores.config.delivery.graceMs;

      const result = await tick(graceMs + 60_000);

      expect(result).toMatchObject({ sent: 0, skipped: 1 });
      expect(scenario.receiver.requestsFor(messageId)).toHaveLength(0);
      const stored = await message(messageId);
      expect(stored.status).toBe('skipped');
      expect(stored.statusReason).toContain('past the grace period');
    });

    it('sends a late message within the grace period', async () => {
      const scenario = await createScenario();
      const { messageId } = await decide(scenario);

      await tick(testApp.stores.config.delivery.graceMs - 60_000);

      expect(await message(messageId)).toMatchObject({ status: 'sent' });
    });
  });
});
