import { createHash } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

const ALWAYS = { '>=': [{ var: 'customer.eventCount' }, 0] };
const CUSTOMER_COUNT = 30;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Contact attributes by customer index: valid, partial, missing and invalid values. */
function contactAttributes(index: number): Record<string, unknown> {
  switch (index % 5) {
    case 0:
      return { email: ` Person${index}@Example.COM `, phone: `+1 (555) 010-${String(1000 + index)}` };
    case 1:
      return { email: `person${index}@example.com` };
    case 2:
      return { phone: `0049 30 ${String(1_000_000 + index)}` };
    case 3:
      return { segment: 'no-contact' };
    default:
      return { email: 'not an address', phone: '030 1234' };
  }
}

/** The CSV line the export must contain for a customer, or null when the row is skipped. */
function expectedLine(index: number): string | null {
  switch (index % 5) {
    case 0:
      return `${sha256(`person${index}@example.com`)},${sha256(`+1555010${String(1000 + index)}`)}`;
    case 1:
      return `${sha256(`person${index}@example.com`)},`;
    case 2:
      return `,${sha256(`+4930${String(1_000_000 + index)}`)}`;
    default:
      return null;
  }
}

/** Audience export for ad platforms through the public API: paging, CSV, holdout exclusion and errors. */
describe('audience export', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let key: string;
  const treatment = new Map<string, number>();

  const api = () => testApp.api();
  const audience = (campaign: string, query: Record<string, string | number> = {}) =>
    testApp.as(key).get(`/v1/audiences/${campaign}`).query(query);
  const decide = async (customerId: string, channel: string, attributes: Record<string, unknown> = {}) => {
    await api()
      .post('/v1/events')
      .send({ customerId, type: 'visit', touchpoint: 'web', channel: 'web', occurredAt: new Date().toISOString(), attributes })
      .expect(202);
    return (await api().get(`/v1/customers/${customerId}/next-best-offer`).query({ channel }).expect(200)).body as { arm: string };
  };

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp({ withWorker: false });
    for (const channel of ['email', 'sms']) {
      await api().post('/v1/admin/channels').send({ name: channel, webhookUrl: receiver.url(`/${channel}`) }).expect(201);
      await api().post('/v1/admin/offers').send({ name: `${channel}-offer`, channel, content: { text: 'hi' }, value: 1 }).expect(201);
    }
    await api().post('/v1/admin/campaigns').send({ key: 'spring', name: 'Spring', rule: ALWAYS, offers: ['email-offer'], holdoutShare: 0.5 }).expect(201);
    await api().post('/v1/admin/campaigns').send({ key: 'other', name: 'Other', rule: ALWAYS, offers: ['sms-offer'], holdoutShare: 0 }).expect(201);
    key = (await api().post('/v1/admin/api-keys').send({ name: 'ads', role: 'platform' }).expect(201)).body.key;

    for (let index = 0; index < CUSTOMER_COUNT; index += 1) {
      const customerId = `c-${String(index).padStart(2, '0')}`;
      const decision = await decide(customerId, 'email', contactAttributes(index));
      if (decision.arm === 'treatment') {
        treatment.set(customerId, index);
      }
    }
    // A customer of the other campaign only.
    await decide('sms-only', 'sms', { email: 'sms@example.com' });
  }, 120_000);

  afterAll(async () => {
    await testApp.close();
    await receiver.stop();
  });

  it('splits the campaign between both arms', () => {
    expect(treatment.size).toBeGreaterThan(0);
    expect(treatment.size).toBeLessThan(CUSTOMER_COUNT);
  });

  it('pages through the treatment customers with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: request.Response = await audience('spring', cursor === null ? { limit: 4 } : { limit: 4, cursor }).expect(200);
      expect(response.body.campaign).toBe('spring');
      expect(response.body.items.length).toBeLessThanOrEqual(4);
      for (const item of response.body.items) {
        expect(item).toEqual({ customerId: expect.any(String), decisionId: expect.any(String), decidedAt: expect.any(String) });
        seen.push(item.customerId);
      }
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);

    expect(seen).toEqual([...treatment.keys()].sort());
    expect(pages).toBe(Math.max(1, Math.ceil(treatment.size / 4)));
  });

  it('exports the customer-match CSV of the treatment arm only', async () => {
    const response = await audience('spring', { format: 'csv' }).expect(200);

    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="spring-audience.csv"');
    const lines = response.text.split('\n');
    expect(lines[0]).toBe('Email,Phone');
    expect(lines[lines.length - 1]).toBe('');
    const expected = [...treatment.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, index]) => expectedLine(index))
      .filter((line): line is string => line !== null);
    expect(lines.slice(1, -1)).toEqual(expected);
    // Nothing of the control arm or of the other campaign.
    expect(response.text).not.toContain(sha256('sms@example.com'));
  });

  it('leaves out a customer whose latest decision is control', async () => {
    // Arms are sticky through the API, so the later control decision is written directly,
    // as an imported experiment would record it.
    const [customerId] = [...treatment.keys()];
    const prisma = testApp.stores.database.prisma;
    const campaign = await prisma.campaign.findUniqueOrThrow({ where: { key: 'spring' } });
    await prisma.decision.create({
      data: { customerId: customerId!, campaignId: campaign.id, holdoutGroup: campaign.holdoutGroup, arm: 'control', createdAt: new Date(Date.now() + 1000) },
    });

    const response = await audience('spring', { limit: 1000 }).expect(200);
    const ids = response.body.items.map((item: { customerId: string }) => item.customerId);
    expect(ids).not.toContain(customerId);
    expect(ids).toHaveLength(treatment.size - 1);
  });

  it('streams a CSV longer than one read', async () => {
    // 2,500 treatment customers written directly, so the export needs three reads of 1,000.
    const prisma = testApp.stores.database.prisma;
    await api().post('/v1/admin/campaigns').send({ key: 'bulk', name: 'Bulk', rule: ALWAYS, offers: ['sms-offer'], holdoutShare: 0, priority: -2 }).expect(201);
    const campaign = await prisma.campaign.findUniqueOrThrow({ where: { key: 'bulk' } });
    const ids = Array.from({ length: 2500 }, (_, index) => `bulk-${String(index).padStart(4, '0')}`);
    await prisma.customer.createMany({ data: ids.map((id) => ({ id, attributes: { email: `${id}@example.com` } })) });
    await prisma.decision.createMany({
      data: ids.map((customerId) => ({ customerId, campaignId: campaign.id, holdoutGroup: campaign.holdoutGroup, arm: 'treatment' })),
    });

    const response = await audience('bulk', { format: 'csv' }).expect(200);

    const lines = response.text.split('\n').slice(1, -1);
    expect(lines).toHaveLength(2500);
    expect(lines[0]).toBe(`${sha256('bulk-0000@example.com')},`);
    expect(lines[999]).toBe(`${sha256('bulk-0999@example.com')},`);
    expect(lines[1000]).toBe(`${sha256('bulk-1000@example.com')},`);
    expect(lines[2499]).toBe(`${sha256('bulk-2499@example.com')},`);
    expect(new Set(lines).size).toBe(2500);
  });

  it('exports an empty CSV for a campaign without treatment', async () => {
    await api().post('/v1/admin/campaigns').send({ key: 'unused', name: 'Unused', rule: ALWAYS, offers: ['sms-offer'], holdoutShare: 0, priority: -1 }).expect(201);

    const response = await audience('unused', { format: 'csv' }).expect(200);
    expect(response.text).toBe('Email,Phone\n');
  });

  it('returns 404 for an unknown campaign', async () => {
    const response = await audience('no-such-campaign').expect(404);
    expect(response.body.message).toBe("Campaign 'no-such-campaign' was not found");
    await audience('no-such-campaign', { format: 'csv' }).expect(404);
  });

  it.each<[string, Record<string, string>, string]>([
    ['an unknown format', { format: 'xml' }, 'query.format'],
    ['a zero limit', { limit: '0' }, 'query.limit'],
    ['a limit above 1000', { limit: '1001' }, 'query.limit'],
    ['a cursor from elsewhere', { cursor: 'abc' }, 'query.cursor'],
    ['an unknown parameter', { page: '2' }, 'query'],
  ])('rejects %s with 400', async (_case, query, path) => {
    const response = await audience('spring', query).expect(400);
    expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(path);
  });

  it('requires a platform key', async () => {
    await testApp.as(undefined).get('/v1/audiences/spring').expect(401);
    await testApp.as('wpk_wrong').get('/v1/audiences/spring?format=csv').expect(401);
  });
});
