import { createTestApp, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };

/** The offer pull of e-mail platforms with a platform key, through the public API. */
describe('platform offer pull', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let key: string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_PLATFORM_OFFER_MAX_AGE_SECONDS: '30' } });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: receiver.url('/email') }).expect(201);
    await api.post('/v1/admin/offers').send({ name: 'voucher', channel: 'email', content: { subject: '10% off' }, value: 20 }).expect(201);
    await api.post('/v1/admin/campaigns').send({ key: 'treated', name: 'Treated', rule: ALWAYS, offers: ['voucher'], holdoutShare: 0 }).expect(201);
    key = (await api.post('/v1/admin/api-keys').send({ name: 'newsletter-platform', role: 'platform' }).expect(201)).body.key;
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  const api = () => testApp.api();
  /** Creates the customer with one event, then records a decision on the e-mail channel. */
  const decide = async (customerId: string) => {
    await api()
      .post('/v1/events')
      .send({ customerId, type: 'visit', touchpoint: 'web', channel: 'web', occurredAt: new Date().toISOString() })
      .expect(202);
    return (await api().get(`/v1/customers/${customerId}/next-best-offer?channel=email`).expect(200)).body;
  };
  const pull = (customerId: string, query: Record<string, string> = { channel: 'email' }) =>
    testApp.as(key).get(`/v1/platform/customers/${customerId}/offer`).query(query);

  describe('authentication', () => {
    it.each<[string, string | undefined, string]>([
      ['no header', undefined, 'Bearer realm="wayline"'],
      ['another scheme', 'Basic dXNlcjpwYXNz', 'Bearer realm="wayline", error="invalid_request"'],
      ['an unknown key', 'Bearer wl_unknownunknownunknownunknownunknownunknown', 'Bearer realm="wayline", error="invalid_token"'],
      ['a short value', 'Bearer not-a-key', 'Bearer realm="wayline", error="invalid_token"'],
    ])('rejects %s with 401', async (_case, header, challenge) => {
      const call = testApp.as(undefined).get('/v1/platform/customers/anyone/offer?channel=email');
      const response = await (header === undefined ? call : call.set('authorization', header)).expect(401);

      expect(response.headers['www-authenticate']).toBe(challenge);
      expect(response.body.error).toBe('unauthorized');
    });

    it('rejects a marketer key with 403', async () => {
      const marketer = (await api().post('/v1/admin/api-keys').send({ name: 'marketing', role: 'marketer' }).expect(201)).body.key;

      const response = await testApp.as(marketer).get('/v1/platform/customers/anyone/offer?channel=email').expect(403);

      expect(response.body.error).toBe('forbidden');
      expect(response.body.message).toContain('admin, platform');
    });
  });

  describe('offer', () => {
    it('returns the latest treatment offer with cache headers and an ETag', async () => {
      const decision = await decide('puller');
      // Send-time optimization is off by default, so the message goes at once and has no reason.
      expect(decision.message.sendTimeReason).toBeNull();
      const decisionsBefore = await testApp.stores.database.prisma.decision.count();

      const response = await pull('puller').expect(200);

      expect(response.body).toEqual({
        customerId: 'puller',
        channel: 'email',
        decisionId: decision.decisionId,
        decidedAt: expect.any(String),
        campaign: { key: 'treated', name: 'Treated' },
        arm: 'treatment',
        offer: { name: 'voucher', content: { subject: '10% off' }, value: 20 },
      });
      expect(response.headers['cache-control']).toBe('private, max-age=30');
      expect(response.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
      // A pull records nothing.
      expect(await testApp.stores.database.prisma.decision.count()).toBe(decisionsBefore);
    });

    it('answers 304 to a matching If-None-Match', async () => {
      await decide('revalidator');
      const first = await pull('revalidator').expect(200);

      const second = await pull('revalidator').set('if-none-match', first.headers.etag!).expect(304);
      expect(second.text).toBe('');
      expect(second.headers.etag).toBe(first.headers.etag);
      await pull('revalidator').set('if-none-match', `W/${first.headers.etag}, "other"`).expect(304);
      await pull('revalidator').set('if-none-match', '"stale"').expect(200);
    });

    it('changes the ETag with a new decision', async () => {
      await decide('changing');
      const first = await pull('changing').expect(200);
      await decide('changing');

      const second = await pull('changing').set('if-none-match', first.headers.etag!).expect(200);
      expect(second.headers.etag).not.toBe(first.headers.etag);
      expect(second.body.decisionId).not.toBe(first.body.decisionId);
    });

    it('hides the offer from the control arm', async () => {
      await api().patch('/v1/admin/campaigns/treated').send({ holdoutShare: 1 }).expect(200);
      const decision = await decide('held-out');
      expect(decision.arm).toBe('control');

      const response = await pull('held-out').expect(200);
      expect(response.body.arm).toBe('control');
      expect(response.body.offer).toBeNull();
      await api().patch('/v1/admin/campaigns/treated').send({ holdoutShare: 0 }).expect(200);
    });

    it('returns 404 without a decision on the channel', async () => {
      const response = await pull('never-decided').expect(404);
      expect(response.body.message).toBe("Decision on channel email for customer 'never-decided' was not found");
    });

    it.each<[string, Record<string, string>, string]>([
      ['a missing channel', {}, 'query.channel'],
      ['a bad channel', { channel: 'E mail' }, 'query.channel'],
      ['an unknown parameter', { channel: 'email', limit: '3' }, 'query'],
    ])('rejects %s with 400', async (_case, query, path) => {
      const response = await pull('puller', query).expect(400);
      expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(path);
    });
  });
});
