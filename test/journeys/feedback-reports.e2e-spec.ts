import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';

const review = (customerId: string, overrides: Record<string, unknown>) => ({
  customerId,
  type: 'feedback',
  touchpoint: 'support_ticket',
  channel: 'email',
  occurredAt: '2026-12-01T10:00:00Z',
  ...overrides,
});

describe('feedback consistency and emotion sources', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.api()
      .post('/v1/events')
      .send({
        events: [
          review('fb-contradicts', { rating: 5, text: 'Terrible, useless support. Nobody fixed anything and I am furious.' }),
          review('fb-agrees', { rating: 5, text: 'Wonderful help, the agent fixed everything quickly. Thank you!' }),
          { customerId: 'fb-no-survey', type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: '2026-12-01T10:00:00Z', waitSeconds: 1200 },
        ],
      })
      .expect(202);
    for (const customerId of ['fb-contradicts', 'fb-agrees', 'fb-no-survey']) {
      await waitFor(async () => {
        const response = await testApp.api().get(`/v1/customers/${customerId}/journey`);
        return response.body.pendingEvents === 0 ? true : undefined;
      }, 15_000, `scoring of ${customerId}`);
    }
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('flags a rating its text contradicts', async () => {
    const journey = await testApp.api().get('/v1/customers/fb-contradicts/journey');

    const [event] = journey.body.timeline;
    expect(event.feedback.consistency).toBe('inconsistent');
    expect(event.feedback.reasons.length).toBeGreaterThan(0);
    expect(event.emotion.sources).toEqual(expect.arrayContaining(['text', 'rating']));
  });

  it('accepts a rating its text supports', async () => {
    const journey = await testApp.api().get('/v1/customers/fb-agrees/journey');

    expect(journey.body.timeline[0].feedback.consistency).toBe('consistent');
  });

  it('reports consistency per touchpoint', async () => {
    const response = await testApp.api().get('/v1/reports/feedback-consistency?by=touchpoint');

    expect(response.status).toBe(200);
    const ticket = response.body.groups.find((group: { group: string }) => group.group === 'support_ticket');
    expect(ticket).toMatchObject({ consistent: 1, inconsistent: 1, consistencyRate: 0.5 });
  });

  it('reports the sources of emotion', async () => {
    const response = await testApp.api().get('/v1/reports/emotion-sources');

    expect(response.status).toBe(200);
    expect(response.body.customers).toBe(3);
    expect(response.body.withEmotion).toBe(3);
    expect(response.body.counts).toMatchObject({ text: 2, rating: 2, wait: 1 });
    expect(response.body.shareWithEmotionWithoutFeedback).toBeCloseTo(1 / 3, 10);
  });

  it('rejects an unknown grouping with 400', async () => {
    const response = await testApp.api().get('/v1/reports/feedback-consistency?by=region');

    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe('query.by');
  });

  // Runs last: it adds a customer that the reports above do not expect.
  it('assesses a rating again when later behaviour contradicts it', async () => {
    const customerId = 'fb-later';
    const scoredFeedback = async () => {
      await waitFor(async () => {
        const response = await testApp.api().get(`/v1/customers/${customerId}/journey`);
        return response.body.pendingEvents === 0 ? true : undefined;
      }, 15_000, `scoring of ${customerId}`);
      const journey = await testApp.api().get(`/v1/customers/${customerId}/journey`);
      return journey.body.timeline.find((event: { type: string }) => event.type === 'feedback');
    };
    await testApp.api().post('/v1/events').send(review(customerId, { rating: 5, touchpoint: 'app_review' })).expect(202);
    const before = await scoredFeedback();
    expect(before.feedback.consistency).not.toBe('inconsistent');

    // Two days after the five stars the customer cancels: a separate request, so a later scoring pass.
    await testApp.api()
      .post('/v1/events')
      .send({ customerId, type: 'cancellation', touchpoint: 'cancel_form', channel: 'web', occurredAt: '2026-12-03T10:00:00Z' })
      .expect(202);
    const after = await scoredFeedback();

    expect(after.id).toBe(before.id);
    expect(after.feedback.consistency).toBe('inconsistent');
    expect(after.feedback.reasons.join(' ')).toMatch(/cancellation/);
  });
});
