import type { PrismaClient } from '#wayline/database';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/** Personal values of one test customer, each distinctive enough to search every column for. */
interface Person {
  id: string;
  email: string;
  firstName: string;
  phrase: string;
}

const ALICE: Person = { id: 'privacy-alice-4f2c', email: 'alice.q7@example.org', firstName: 'Alicebeth', phrase: 'my parrot Quiznor ate the router' };
const BOB: Person = { id: 'privacy-bob-91d3', email: 'bob.z3@example.org', firstName: 'Bobbington', phrase: 'the invoice mentions Zarquon twice' };

/** Column types that can hold an id or a personal value. */
const SEARCHED_TYPES = ['text', 'character varying', 'character', 'jsonb', 'json', 'uuid', 'ARRAY'];

/**
 * Counts, over every text-like column of every table in the public schema, the rows
 * that contain `needle`. Columns come from information_schema, so a table added later
 * is searched without a change here.
 */
async function findInDatabase(prisma: PrismaClient, needle: string): Promise<string[]> {
  const columns = await prisma.$queryRawUnsafe<Array<{ table_name: string; column_name: string }>>(
    `SELECT c.table_name, c.column_name
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = ANY($1::text[])`,
    SEARCHED_TYPES,
  );
  expect(columns.length).toBeGreaterThan(20);
  const hits: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const rows = await prisma.$queryRawUnsafe<Array<{ count: bigint }>>(
      `SELECT count(*) AS count FROM "${table}" WHERE strpos("${column}"::text, $1) > 0`,
      needle,
    );
    if (Number(rows[0]!.count) > 0) {
      hits.push(`${table}.${column}`);
    }
  }
  return hits;
}

/** Lists the live-store keys that contain `needle`, raw or URI-encoded as the cap counters store ids. */
async function findInLiveStore(testApp: TestApp, needle: string): Promise<string[]> {
  const keys = await testApp.runtime.liveStore.keysWithPrefix('');
  return keys.filter((key) => key.includes(needle) || key.includes(encodeURIComponent(needle)));
}

function needlesOf(person: Person): string[] {
  return [person.id, person.email, person.firstName, person.phrase];
}

describe('customer erasure and export', () => {
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let failingReceiver: WebhookReceiver;
  const api = () => testApp.api();
  const decisions = new Map<string, { sent: string; pending: string }>();

  async function fillCustomer(person: Person): Promise<void> {
    const now = Date.now();
    await api()
      .post('/v1/events')
      .send({
        events: [
          {
            customerId: person.id, type: 'call', touchpoint: 'call', channel: 'phone', occurredAt: new Date(now - 60_000).toISOString(),
            text: `Hello, ${person.phrase}.`, rating: 2, waitSeconds: 300, idempotencyKey: `${person.id}-call`,
            attributes: { email: person.email, firstName: person.firstName, segment: 'gold' },
          },
          {
            customerId: person.id, type: 'purchase', touchpoint: 'purchase', channel: 'web', occurredAt: new Date(now - 30_000).toISOString(),
            value: 120, rating: 5, properties: { note: person.phrase },
          },
        ],
      })
      .expect(202);
    await api().put(`/v1/customers/${person.id}/consent`).send({ channels: { mail: 'granted' } }).expect(200);
    await api().put(`/v1/customers/${person.id}/time-zone`).send({ timeZone: 'Europe/Berlin' }).expect(200);
    await waitFor(async () => {
      const journey = await api().get(`/v1/customers/${person.id}/journey`).expect(200);
      return journey.body.pendingEvents === 0 ? true : undefined;
    }, 15_000, `events of ${person.id} to be scored`);

    // With `trace=true` the stored reasons keep the trace of the failing e-mail rule, which shows the address.
    const sent = await api().get(`/v1/customers/${person.id}/next-best-offer?channel=mail&trace=true`).expect(200);
    expect(JSON.stringify(sent.body.reasons)).toContain(person.email);
    expect(sent.body.arm).toBe('treatment');
    const sentId: string = sent.body.decisionId;
    await waitFor(async () => {
      const message = await api().get(`/v1/admin/messages/${sent.body.message.id}`).expect(200);
      return message.body.status === 'sent' ? true : undefined;
    }, 15_000, `the message to ${person.id} to be sent`);
    await api().post('/v1/outcomes').send({ decisionId: sentId, type: 'conversion', value: 30, idempotencyKey: `${person.id}-order` }).expect(201);

    // The second channel's webhook fails, so this message waits for a retry far in the future.
    const pending = await api().get(`/v1/customers/${person.id}/next-best-offer?channel=slow`).expect(200);
    expect(pending.body.arm).toBe('treatment');
    await waitFor(async () => {
      const message = await api().get(`/v1/admin/messages/${pending.body.message.id}`).expect(200);
      return message.body.status === 'pending' && message.body.attempts === 1 ? true : undefined;
    }, 15_000, `the first attempt to ${person.id} on the failing channel`);
    decisions.set(person.id, { sent: sentId, pending: pending.body.decisionId });
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    failingReceiver = await new WebhookReceiver().start();
    failingReceiver.status = 500;
    testApp = await createTestApp({ env: { WAYLINE_DELIVERY_BACKOFF_MS: '600000' } });

    await api().post('/v1/admin/channels').send({ name: 'mail', kind: 'email', webhookUrl: receiver.url('/mail') }).expect(201);
    await api().post('/v1/admin/channels').send({ name: 'slow', webhookUrl: failingReceiver.url('/slow') }).expect(201);
    await api()
      .post('/v1/admin/offers')
      .send({ name: 'mail-offer', channel: 'mail', content: { subject: '{{customer.attributes.firstName}}, 10% off', text: 'Hello {{customer.attributes.firstName}}' }, requiredAttributes: ['firstName'] })
      .expect(201);
    await api().post('/v1/admin/offers').send({ name: 'slow-offer', channel: 'slow', content: { headline: 'Hi {{customer.attributes.firstName}}' }, requiredAttributes: ['firstName'] }).expect(201);
    await api().post('/v1/admin/campaigns').send({ key: 'privacy-mail', name: 'Mail', offers: ['mail-offer'], holdoutShare: 0 }).expect(201);
    await api().post('/v1/admin/campaigns').send({ key: 'privacy-slow', name: 'Slow', offers: ['slow-offer'], holdoutShare: 0 }).expect(201);
    await api()
      .post('/v1/admin/campaigns')
      .send({ key: 'privacy-traced', name: 'Traced', offers: ['mail-offer'], holdoutShare: 0, rule: { '==': [{ var: 'customer.attributes.email' }, 'nobody@example.com'] } })
      .expect(201);
    // Caps make the contact policy keep per-customer counters in the live store.
    await api().put('/v1/admin/contact-policy').send({ maxPerDay: 10, maxPerWeek: 50 }).expect(200);

    await fillCustomer(ALICE);
    await fillCustomer(BOB);
  }, 90_000);

  afterAll(async () => {
    await testApp?.close();
    await receiver?.stop();
    await failingReceiver?.stop();
  });

  it('exports every kind of data of one customer', async () => {
    const response = await api().get(`/v1/admin/customers/${BOB.id}/export`).expect(200);
    const body = response.body;

    expect(body.customerId).toBe(BOB.id);
    expect(body.profile.attributes).toEqual({ email: BOB.email, firstName: BOB.firstName, segment: 'gold' });
    expect(body.profile.timeZone).toBe('Europe/Berlin');
    expect(body.consents).toEqual([expect.objectContaining({ channel: 'mail', status: 'granted' })]);
    expect(body.events).toHaveLength(2);
    expect(body.events[0].text).toContain(BOB.phrase);
    expect(body.events[0].rating).toBe(2);
    expect(body.decisions.map((decision: { campaign: string }) => decision.campaign).sort()).toEqual(['privacy-mail', 'privacy-slow']);
    const mailDecision = body.decisions.find((decision: { campaign: string }) => decision.campaign === 'privacy-mail');
    expect(mailDecision.message.status).toBe('sent');
    expect(JSON.stringify(mailDecision.message.payload)).toContain(BOB.firstName);
    expect(body.outcomes).toEqual([expect.objectContaining({ type: 'conversion', value: 30 })]);
    expect(body.holdoutAssignments.length).toBeGreaterThan(0);
    const text = JSON.stringify(body);
    for (const needle of needlesOf(ALICE)) {
      expect(text).not.toContain(needle);
    }
  });

  it('rejects an invalid id and answers 404 for an unknown customer', async () => {
    const invalid = await api().get(`/v1/admin/customers/${encodeURIComponent(' padded')}/export`).expect(400);
    expect(invalid.body.problems[0].path).toBe('path.customerId');
    await api().get('/v1/admin/customers/nobody-here/export').expect(404);
    await api().delete('/v1/admin/customers/nobody-here').expect(404);
  });

  it.each(['marketer', 'analyst', 'platform'])('refuses export and erasure to role %s', async (role) => {
    const key: string = (await api().post('/v1/admin/api-keys').send({ name: `privacy-${role}`, role }).expect(201)).body.key;

    await testApp.as(key).get(`/v1/admin/customers/${BOB.id}/export`).expect(403);
    await testApp.as(key).delete(`/v1/admin/customers/${BOB.id}`).expect(403);
  });

  it('erases one customer and leaves nothing of them', async () => {
    const prisma = testApp.runtime.database.prisma;
    const uplift = async (metric: string, by?: string) => {
      const response = await api().get(`/v1/reports/uplift?campaign=privacy-mail&metric=${metric}${by === undefined ? '' : `&by=${by}`}`).expect(200);
      return { ...response.body, generatedAt: null };
    };
    const upliftBefore = [await uplift('conversion'), await uplift('spend', 'segment')];
    const bobBefore = (await api().get(`/v1/admin/customers/${BOB.id}/export`).expect(200)).body;
    // The checks below can fail: before erasure, Alice's data is in the tables and the live store.
    for (const needle of needlesOf(ALICE)) {
      expect(await findInDatabase(prisma, needle)).not.toEqual([]);
    }
    expect(await findInLiveStore(testApp, ALICE.id)).not.toEqual([]);

    const erased = await api().delete(`/v1/admin/customers/${ALICE.id}`).expect(200);

    expect(erased.body).toMatchObject({
      deleted: { customers: 1, consents: 1 },
      anonymised: { events: 2, decisions: 2, messages: 2, outcomes: 1 },
      cancelledMessages: 1,
    });
    expect(erased.body.anonymised.holdoutAssignments).toBeGreaterThan(0);
    expect(erased.body.liveStoreKeys).toBeGreaterThan(0);
    for (const needle of needlesOf(ALICE)) {
      expect({ needle, columns: await findInDatabase(prisma, needle) }).toEqual({ needle, columns: [] });
    }
    expect(await findInLiveStore(testApp, ALICE.id)).toEqual([]);

    const pendingMessage = await prisma.outreachMessage.findUniqueOrThrow({ where: { decisionId: decisions.get(ALICE.id)!.pending } });
    expect(pendingMessage.status).toBe('cancelled');
    expect(pendingMessage.statusReason).toBe('customer erased');
    expect(pendingMessage.payload).toEqual({});

    const bobAfter = (await api().get(`/v1/admin/customers/${BOB.id}/export`).expect(200)).body;
    expect({ ...bobAfter, exportedAt: null }).toEqual({ ...bobBefore, exportedAt: null });
    for (const needle of needlesOf(BOB)) {
      expect(await findInDatabase(prisma, needle)).not.toEqual([]);
    }
    expect(await findInLiveStore(testApp, BOB.id)).not.toEqual([]);

    const upliftAfter = [await uplift('conversion'), await uplift('spend', 'segment')];
    expect(upliftAfter).toEqual(upliftBefore);
  });

  it('answers 404 to a repeated erasure and to reads of the erased customer', async () => {
    await api().delete(`/v1/admin/customers/${ALICE.id}`).expect(404);
    await api().get(`/v1/admin/customers/${ALICE.id}/export`).expect(404);
    await api().get(`/v1/customers/${ALICE.id}/journey`).expect(404);
  });

  it('starts a new, empty profile for events after erasure', async () => {
    await api()
      .post('/v1/events')
      .send({ customerId: ALICE.id, type: 'web_visit', touchpoint: 'web_visit', channel: 'web', occurredAt: new Date().toISOString() })
      .expect(202);

    const exported = await api().get(`/v1/admin/customers/${ALICE.id}/export`).expect(200);
    expect(exported.body.events).toHaveLength(1);
    expect(exported.body.profile.attributes).toEqual({});
    expect(exported.body.consents).toEqual([]);
    expect(exported.body.decisions).toEqual([]);
  });
});
