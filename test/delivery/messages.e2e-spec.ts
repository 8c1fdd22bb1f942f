import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

describe('outreach messages admin API', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  const api = () => testApp.api();

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp();
    await api().post('/v1/admin/channels').send({ name: 'hook', webhookUrl: receiver.url('/hook') }).expect(201);
    // An e-mail channel: a customer without an `email` attribute cannot be sent to.
    await api().post('/v1/admin/channels').send({ name: 'mail', webhookUrl: receiver.url('/mail'), kind: 'email' }).expect(201);
    await api().post('/v1/admin/offers').send({ name: 'hook-offer', channel: 'hook', content: { headline: 'Hi' } }).expect(201);
    await api().post('/v1/admin/offers').send({ name: 'mail-offer', channel: 'mail', content: { subject: 'Hi', text: 'Hello' } }).expect(201);
    await api().post('/v1/admin/campaigns').send({ key: 'all', name: 'All', offers: ['hook-offer', 'mail-offer'], holdoutShare: 0 }).expect(201);
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  async function decideAndSettle(customerId: string, channel: string) {
    await api()
      .post('/v1/events')
      .send({ customerId, type: 'web_visit', touchpoint: 'web_visit', channel: 'web', occurredAt: new Date().toISOString() })
      .expect(202);
    const decision = await api().get(`/v1/customers/${customerId}/next-best-offer?channel=${channel}`).expect(200);
    expect(decision.body.arm).toBe('treatment');
    const messageId: string = decision.body.message.id;
    return waitFor(async () => {
      const response = await api().get(`/v1/admin/messages/${messageId}`).expect(200);
      return ['sent', 'cancelled'].includes(response.body.status) ? response.body : undefined;
    }, 15_000, `message ${messageId} to settle`);
  }

  it('shows a sent message', async () => {
    const message = await decideAndSettle('msg-sent', 'hook');

    expect(message).toMatchObject({ customerId: 'msg-sent', channel: 'hook', campaign: 'all', status: 'sent', statusReason: null, attempts: 1 });
    expect(Number.isNaN(Date.parse(message.sentAt))).toBe(false);
  });

  it('shows why a message was cancelled before sending', async () => {
    const message = await decideAndSettle('msg-no-address', 'mail');

    expect(message.status).toBe('cancelled');
    expect(message.statusReason).toMatch(/no 'email' attribute/);
  });

  it("lists a customer's messages, newest first, by status", async () => {
    await decideAndSettle('msg-both', 'hook');
    await decideAndSettle('msg-both', 'mail');

    const all = await api().get('/v1/admin/messages?customer=msg-both').expect(200);
    expect(all.body.messages.map((message: { channel: string }) => message.channel)).toEqual(['mail', 'hook']);
    const cancelled = await api().get('/v1/admin/messages?customer=msg-both&status=cancelled').expect(200);
    expect(cancelled.body.messages.map((message: { channel: string }) => message.channel)).toEqual(['mail']);
  });

  it.each([
    ['/v1/admin/messages', 'query.customer'],
    ['/v1/admin/messages?customer=a&status=lost', 'query.status'],
    ['/v1/admin/messages?customer=a&limit=0', 'query.limit'],
    ['/v1/admin/messages/not-a-uuid', 'path.id'],
  ])('rejects %s with 400 naming %s', async (path, field) => {
    const response = await api().get(path);

    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe(field);
  });

  it('returns 404 for an unknown message', async () => {
    await api().get('/v1/admin/messages/00000000-0000-4000-8000-000000000000').expect(404);
  });
});
