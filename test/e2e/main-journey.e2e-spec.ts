import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The main job end to end, through the public API: events in, journey scores, next best
 * offer, delivered webhook, outcome, uplift report.
 */
describe('main journey', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp();
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: receiver.url('/email') }).expect(201);
    await api
      .post('/v1/admin/offers')
      .send({ name: 'spring-voucher', channel: 'email', content: { subject: 'Ten percent off' }, value: 20 })
      .expect(201);
    await api
      .post('/v1/admin/campaigns')
      .send({
        key: 'spring-sale',
        name: 'Spring sale',
        rule: { '>=': [{ var: 'customer.eventCount' }, 1] },
        offers: ['spring-voucher'],
        holdoutShare: 0.5,
      })
      .expect(201);
  });

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  async function scoredJourney(customerId: string) {
    return waitFor(async () => {
      const response = await testApp.api().get(`/v1/customers/${customerId}/journey`);
      return response.status === 200 && response.body.pendingEvents === 0 ? response.body : undefined;
    }, 15_000, `the events of ${customerId} to be scored`);
  }

  it('walks one customer from events to the uplift report', async () => {
    const api = testApp.api();
    const customerId = await findTreatedCustomerId();

    const ingest = await api.post('/v1/events').send({
      events: [
        { customerId, type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: '2026-12-01T09:00:00Z' },
        {
          customerId, type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: '2026-12-01T10:00:00Z',
          waitSeconds: 900, text: 'I waited fifteen minutes and nobody could fix my bill. Terrible service.',
        },
        {
          customerId, type: 'purchase', touchpoint: 'purchase', channel: 'web', occurredAt: '2026-12-02T12:00:00Z',
          value: 120, rating: 5, text: 'Great, thanks for sorting it out!',
        },
      ],
    });
    expect(ingest.status).toBe(202);
    expect(ingest.body.accepted).toBe(3);

    const journey = await scoredJourney(customerId);
    expect(journey.scores.engagement).toBeGreaterThan(0);
    expect(journey.scores.engagement).toBeLessThanOrEqual(100);
    expect(journey.scores.stage).toBe('purchase');
    expect(journey.scores.eventCount).toBe(3);
    const breakdown = journey.scores.engagementBreakdown;
    expect(Object.keys(breakdown.components).sort()).toEqual(['depth', 'frequency', 'monetary', 'recencyDays']);
    expect(breakdown.components.monetary).toBeGreaterThan(0);
    const { frequency, monetary, depth } = breakdown.contributions;
    expect(frequency + monetary + depth).toBeCloseTo(breakdown.activity, 10);
    expect(journey.scores.engagement).toBeCloseTo(100 * (1 - Math.exp(-breakdown.activity / 10)), 10);
    expect(journey.scores.stages.purchase.engagement).toBeGreaterThan(0);
    expect(journey.scores.stages.purchase.components.monetary).toBeGreaterThan(0);
    expect(typeof journey.scores.emotion.trend).toBe('number');
    expect(journey.timeline).toHaveLength(3);
    const [purchase, call] = journey.timeline;
    expect(call.emotion.valence).toBeLessThan(0);
    expect(['frustrated', 'angry']).toContain(call.emotion.label);
    expect(purchase.emotion.valence).toBeGreaterThan(0);

    const offer = await api.get(`/v1/customers/${customerId}/next-best-offer`).query({ channel: 'email' });
    expect(offer.status).toBe(200);
    expect(offer.body.arm).toBe('treatment');
    expect(offer.body.offer.name).toBe('spring-voucher');
    expect(offer.body.campaign.key).toBe('spring-sale');
    // A new offer has no evidence yet, so its score is a Thompson draw.
    expect(offer.body.score.source).toBe('exploration');
    expect(offer.body.reasons.map((reason: { step: string }) => reason.step)).toEqual([
      'eligibility', 'ranking', 'policy', 'policy', 'policy', 'policy', 'assignment',
    ]);
    const policyChecks = offer.body.reasons.filter((reason: { step: string }) => reason.step === 'policy');
    expect(policyChecks.map((reason: { check: string; outcome: string }) => `${reason.check}:${reason.outcome}`)).toEqual([
      'consent:passed', 'cooldown:passed', 'quiet-hours:passed', 'cap:passed',
    ]);
    const decisionId: string = offer.body.decisionId;

    const delivered = await waitFor(
      async () => receiver.requests.find((received) => (received.body as { decisionId?: string }).decisionId === decisionId),
      15_000,
      'the webhook delivery',
    );
    expect(delivered.method).toBe('POST');
    expect(delivered.path).toBe('/email');
    expect(delivered.headers['idempotency-key']).toBe(offer.body.message.id);
    expect(delivered.body).toMatchObject({ customerId, campaign: 'spring-sale', offer: { name: 'spring-voucher', value: 20 } });
    const message = await waitFor(async () => {
      const row = await testApp.stores.database.prisma.outreachMessage.findUnique({ where: { decisionId } });
      return row?.status === 'sent' ? row : undefined;
    }, 5_000, 'the message to be marked sent');
    expect(message.attempts).toBe(1);

    const outcome = await api.post('/v1/outcomes').send({ decisionId, type: 'conversion', value: 42 });
    expect(outcome.status).toBe(201);
    expect(outcome.body.arm).toBe('treatment');

    const report = await api.get('/v1/reports/uplift').query({ campaign: 'spring-sale', metric: 'conversion' });
    expect(report.status).toBe(200);
    expect(report.body.treatment.n).toBeGreaterThanOrEqual(1);
    expect(report.body.treatment.conversions).toBe(1);
    const spend = await api.get('/v1/reports/uplift').query({ campaign: 'spring-sale', metric: 'spend' });
    expect(spend.body.treatment.conversions).toBe(42);
  });

  it('records control decisions without an offer or a message', async () => {
    const api = testApp.api();
    const customerId = await findCustomerInArm('control');
    await api
      .post('/v1/events')
      .send({ customerId, type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: '2026-12-01T09:00:00Z' })
      .expect(202);
    await scoredJourney(customerId);

    const offer = await api.get(`/v1/customers/${customerId}/next-best-offer?channel=email`);
    expect(offer.status).toBe(200);
    expect(offer.body.arm).toBe('control');
    expect(offer.body.offer).toBeNull();
    expect(offer.body.message).toBeNull();

    await api.post('/v1/outcomes').send({ customerId, campaign: 'spring-sale', type: 'visit' }).expect(201);
    const report = await api.get('/v1/reports/uplift?campaign=spring-sale&metric=visit');
    expect(report.body.control.n).toBeGreaterThanOrEqual(1);
    expect(report.body.control.conversions).toBe(1);
    const messages = await testApp.stores.database.prisma.outreachMessage.count({ where: { decisionId: offer.body.decisionId } });
    expect(messages).toBe(0);
  });

  it('returns no offer when no campaign is eligible', async () => {
    const api = testApp.api();
    await api
      .post('/v1/events')
      .send({ customerId: 'no-events-yet', type: 'page_view', touchpoint: 'web_visit', channel: 'web', occurredAt: '2026-12-01T09:00:00Z' })
      .expect(202);

    await api.post('/v1/admin/channels').send({ name: 'sms', webhookUrl: receiver.url('/sms') }).expect(201);
    const offer = await api.get('/v1/customers/no-events-yet/next-best-offer?channel=sms');
    expect(offer.status).toBe(200);
    expect(offer.body.decisionId).toBeNull();
    expect(offer.body.offer).toBeNull();
  });

  /** Customer ids are assigned by hash; these helpers find one that lands in the wanted arm. */
  async function findTreatedCustomerId(): Promise<string> {
    return findCustomerInArm('treatment');
  }

  async function findCustomerInArm(arm: 'treatment' | 'control'): Promise<string> {
    const { assignArm } = await import('#wayline/decisioning');
    for (let i = 0; ; i++) {
      const candidate = `walk-${arm}-${i}`;
      if (assignArm('spring-sale', candidate, 0.5) === arm) {
        return candidate;
      }
    }
  }
});
