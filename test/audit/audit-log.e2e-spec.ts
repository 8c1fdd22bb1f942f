import { AuditLog } from '#wayline/audit';
import { ChannelService } from '#wayline/catalog';
import { DeliveryService } from '#wayline/delivery';
import { channelBody, offerBody, campaignBody } from '../catalog/catalog-fixtures.ts';
import { journeyBody } from '../journeys/journey-fixtures.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

interface AuditEntry {
  id: string;
  occurredAt: string;
  actor: { keyId: string | null; name: string; role: string | null };
  action: string;
  entityType: string;
  entityKey: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

const SIGNING_SECRET = 'whsec-audit-test-0123456789abcdef';

describe('audit log', () => {
  let testApp: TestApp;
  let marketerKey: string;

  beforeAll(async () => {
    // One attempt, so a message whose webhook fails is parked as a dead letter at once.
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_DELIVERY_MAX_ATTEMPTS: '1' } });
    const created = await testApp.api().post('/v1/admin/api-keys').send({ name: 'campaign-team', role: 'marketer' });
    expect(created.status).toBe(201);
    marketerKey = created.body.key as string;
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function entries(query: Record<string, string> = {}): Promise<AuditEntry[]> {
    const response = await testApp.api().get('/v1/admin/audit-log').query(query);
    expect(response.status).toBe(200);
    return response.body.entries as AuditEntry[];
  }

  async function rowCount(): Promise<number> {
    return testApp.runtime.database.prisma.auditLogEntry.count();
  }

  describe('catalog changes', () => {
    it('records a create with the admin key as actor', async () => {
      const created = await testApp.api().post('/v1/admin/channels').send(channelBody({ name: 'email' }));
      expect(created.status).toBe(201);

      const [entry] = await entries({ entityType: 'channel', entityKey: 'email' });

      expect(entry!.action).toBe('create');
      expect(entry!.entityId).toBe(created.body.id);
      expect(entry!.before).toBeNull();
      expect(entry!.after).toMatchObject({ name: 'email', webhookUrl: 'http://127.0.0.1:9/hooks/email', active: true });
      expect(entry!.actor).toEqual({ keyId: expect.any(String), name: 'WAYLINE_ADMIN_KEY', role: 'admin' });
    });

    it('records an update with before and after', async () => {
      await testApp.api().patch('/v1/admin/channels/email').send({ webhookUrl: 'http://127.0.0.1:9/hooks/email-v2' }).expect(200);

      const [entry] = await entries({ entityType: 'channel', entityKey: 'email' });

      expect(entry!.action).toBe('update');
      expect(entry!.before!['webhookUrl']).toBe('http://127.0.0.1:9/hooks/email');
      expect(entry!.after!['webhookUrl']).toBe('http://127.0.0.1:9/hooks/email-v2');
    });

    it('records the request id the caller sent, and echoes it', async () => {
      const response = await testApp.api().patch('/v1/admin/channels/email').set('x-request-id', 'deploy-42:step.7').send({ timeoutMs: 5000 });
      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toBe('deploy-42:step.7');

      const [entry] = await entries({ entityType: 'channel', entityKey: 'email' });

      expect(entry!.requestId).toBe('deploy-42:step.7');
    });

    it('gives a request without a usable id a generated one', async () => {
      const response = await testApp.api().patch('/v1/admin/channels/email').set('x-request-id', 'has spaces & symbols').send({ timeoutMs: 6000 });
      expect(response.status).toBe(200);
      const generated = response.headers['x-request-id'] as string;
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);

      const [entry] = await entries({ entityType: 'channel', entityKey: 'email' });

      expect(entry!.requestId).toBe(generated);
    });

    it('records the marketer key that made a change', async () => {
      const created = await testApp.as(marketerKey).post('/v1/admin/offers').send(offerBody({ name: 'welcome-email', channel: 'email' }));
      expect(created.status).toBe(201);

      const [entry] = await entries({ entityType: 'offer', entityKey: 'welcome-email' });

      expect(entry!.actor.name).toBe('campaign-team');
      expect(entry!.actor.role).toBe('marketer');
      expect(entry!.after!['value']).toBe(12.5);
    });

    it('records a campaign update and deactivation', async () => {
      await testApp.as(marketerKey).post('/v1/admin/campaigns').send(campaignBody({ key: 'welcome' })).expect(201);
      await testApp.as(marketerKey).patch('/v1/admin/campaigns/welcome').send({ priority: 7 }).expect(200);
      await testApp.as(marketerKey).delete('/v1/admin/campaigns/welcome').expect(200);

      const recorded = await entries({ entityType: 'campaign', entityKey: 'welcome' });

      expect(recorded.map((entry) => entry.action)).toEqual(['deactivate', 'update', 'create']);
      expect(recorded[1]!.before!['priority']).toBe(0);
      expect(recorded[1]!.after!['priority']).toBe(7);
      expect(recorded[0]!.before!['active']).toBe(true);
      expect(recorded[0]!.after!['active']).toBe(false);
    });
  });

  describe('other configuration', () => {
    it('records journey definitions', async () => {
      await testApp.as(marketerKey).post('/v1/admin/journeys').send(journeyBody({ key: 'care' })).expect(201);
      await testApp.as(marketerKey).patch('/v1/admin/journeys/care').send({ priority: 3 }).expect(200);

      const recorded = await entries({ entityType: 'journey', entityKey: 'care' });

      expect(recorded.map((entry) => entry.action)).toEqual(['update', 'create']);
      expect(recorded[0]!.before!['priority']).toBe(10);
      expect(recorded[0]!.after!['priority']).toBe(3);
    });

    it('records contact policy saves', async () => {
      await testApp.as(marketerKey).put('/v1/admin/contact-policy').send({ maxPerDay: 3 }).expect(200);
      await testApp.as(marketerKey).put('/v1/admin/contact-policy').send({ maxPerDay: 2 }).expect(200);
      await testApp.as(marketerKey).put('/v1/admin/contact-policy/channels/email').send({ maxPerWeek: 4, requiresConsent: true }).expect(200);
      await testApp.as(marketerKey).delete('/v1/admin/contact-policy/channels/email').expect(200);

      const global = await entries({ entityType: 'contact-policy' });
      const channel = await entries({ entityType: 'channel-contact-policy', entityKey: 'email' });

      expect(global.map((entry) => entry.action)).toEqual(['update', 'create']);
      expect(global[0]!.before!['maxPerDay']).toBe(3);
      expect(global[0]!.after!['maxPerDay']).toBe(2);
      expect(channel.map((entry) => entry.action)).toEqual(['delete', 'create']);
      expect(channel[0]!.before!['maxPerWeek']).toBe(4);
      expect(channel[0]!.after).toBeNull();
    });

    it('records the process as actor outside a request', async () => {
      await testApp.app.get(ChannelService).create({ name: 'from-job', webhookUrl: 'http://127.0.0.1:9/hooks/job', kind: 'webhook' });

      const [entry] = await entries({ entityType: 'channel', entityKey: 'from-job' });

      expect(entry!.actor).toEqual({ keyId: null, name: 'system', role: null });
    });
  });

  describe('dead letters', () => {
    it('records a retry with the ids', async () => {
      // The webhook points at a closed port, so the only delivery attempt fails.
      await testApp.api().post('/v1/admin/channels').send(channelBody({ name: 'dead-end', webhookUrl: 'http://127.0.0.1:9/dead-end' })).expect(201);
      await testApp.api().post('/v1/admin/offers').send(offerBody({ name: 'dead-end-offer', channel: 'dead-end' })).expect(201);
      const always = { '>=': [{ var: 'customer.eventCount' }, 0] };
      await testApp.api().post('/v1/admin/campaigns').send(campaignBody({ key: 'dead-end', offers: ['dead-end-offer'], rule: always, holdoutShare: 0 })).expect(201);
      await testApp
        .api()
        .post('/v1/events')
        .send({ customerId: 'c-dead-end', type: 'visit', touchpoint: 'web', channel: 'web', occurredAt: new Date(Date.now() - 60_000).toISOString() })
        .expect(202);
      const decision = await testApp.api().get('/v1/customers/c-dead-end/next-best-offer').query({ channel: 'dead-end' }).expect(200);
      const messageId = decision.body.message.id as string;
      await testApp.app.get(DeliveryService).deliverDue(new Date());

      await testApp.api().post(`/v1/admin/dead-letters/${messageId}/retry`).expect(200);

      const [entry] = await entries({ entityType: 'dead-letter' });
      expect(entry!.action).toBe('retry');
      expect(entry!.entityKey).toBe(messageId);
      expect(entry!.before).toEqual({ status: 'failed', ids: [messageId] });
      expect(entry!.after).toEqual({ status: 'pending', attempts: 0, ids: [messageId] });
    });

    it('records nothing when no dead letter matched', async () => {
      const before = await rowCount();

      const response = await testApp.api().post('/v1/admin/dead-letters/retry').send({ channel: 'email' });

      expect(response.status).toBe(200);
      expect(response.body.retried).toBe(0);
      expect(await rowCount()).toBe(before);
    });
  });

  describe('failed changes', () => {
    it('writes nothing for a 400', async () => {
      const before = await rowCount();

      const response = await testApp.api().patch('/v1/admin/channels/email').send({ timeoutMs: 'soon' });

      expect(response.status).toBe(400);
      expect(await rowCount()).toBe(before);
    });

    it('writes nothing when the change fails inside its transaction', async () => {
      const before = await rowCount();

      const duplicate = await testApp.api().post('/v1/admin/channels').send(channelBody({ name: 'email' }));

      expect(duplicate.status).toBe(409);
      expect(await rowCount()).toBe(before);
    });

    it('rolls the entry back with its transaction', async () => {
      const auditLog = testApp.app.get(AuditLog);
      const before = await rowCount();

      const failed = auditLog.inTransaction(async (tx) => {
        await auditLog.record(tx, { action: 'update', entityType: 'channel', entityKey: 'email', before: null, after: { name: 'email' } });
        throw new Error('the change failed after its audit entry');
      });

      await expect(failed).rejects.toThrow('the change failed after its audit entry');
      expect(await rowCount()).toBe(before);
    });
  });

  describe('secrets', () => {
    it('never stores a signing secret', async () => {
      await testApp.api().post('/v1/admin/channels').send(channelBody({ name: 'signed', signingSecret: SIGNING_SECRET })).expect(201);
      await testApp.api().patch('/v1/admin/channels/signed').send({ signingSecret: `${SIGNING_SECRET}-rotated` }).expect(200);

      const stored = await testApp.runtime.database.prisma.$queryRaw<Array<{ entry: string }>>`SELECT row_to_json(audit_log)::text AS entry FROM audit_log`;
      const [latest] = await entries({ entityType: 'channel', entityKey: 'signed' });

      expect(stored.length).toBeGreaterThan(0);
      expect(stored.filter((row) => row.entry.includes(SIGNING_SECRET))).toEqual([]);
      expect(latest!.after!['hasSigningSecret']).toBe(true);
      expect(latest!.after!['signingSecret']).toBeUndefined();
    });
  });

  describe('read route', () => {
    it('filters by actor', async () => {
      const byMarketer = await entries({ actor: 'campaign-team' });

      expect(byMarketer.length).toBeGreaterThan(0);
      expect(byMarketer.every((entry) => entry.actor.name === 'campaign-team')).toBe(true);
    });

    it('filters by time', async () => {
      const all = await entries({ limit: '500' });
      const oldest = all.at(-1)!;

      const untilOldest = await entries({ until: oldest.occurredAt });
      const sinceFuture = await entries({ since: new Date(Date.now() + 60_000).toISOString() });

      expect(untilOldest).toEqual([]);
      expect(sinceFuture).toEqual([]);
      expect((await entries({ since: oldest.occurredAt, limit: '500' })).length).toBe(all.length);
    });

    it('pages newest first with a cursor', async () => {
      const all = await entries({ limit: '500' });

      const first = await testApp.api().get('/v1/admin/audit-log').query({ limit: '2' }).expect(200);
      const second = await testApp.api().get('/v1/admin/audit-log').query({ limit: '2', cursor: first.body.nextCursor }).expect(200);

      expect(first.body.entries.map((entry: AuditEntry) => entry.id)).toEqual(all.slice(0, 2).map((entry) => entry.id));
      expect(second.body.entries.map((entry: AuditEntry) => entry.id)).toEqual(all.slice(2, 4).map((entry) => entry.id));
      expect(Number(all[0]!.id)).toBeGreaterThan(Number(all[1]!.id));
    });

    it('returns no cursor on the last page', async () => {
      const response = await testApp.api().get('/v1/admin/audit-log').query({ limit: '500' }).expect(200);

      expect(response.body.nextCursor).toBeNull();
    });

    it.each([
      [{ limit: '0' }, 'query.limit'],
      [{ since: 'yesterday' }, 'query.since'],
      [{ cursor: 'abc' }, 'query.cursor'],
      [{ since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }, 'query.until'],
      [{ color: 'red' }, 'query'],
    ])('rejects the query %j naming %s', async (query, path) => {
      const response = await testApp.api().get('/v1/admin/audit-log').query(query);

      expect(response.status).toBe(400);
      expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(path);
    });

    it('is for admin keys only', async () => {
      const response = await testApp.as(marketerKey).get('/v1/admin/audit-log');

      expect(response.status).toBe(403);
    });
  });
});
