import { jest } from '@jest/globals';
import { ApiKeyService, hashApiKey } from '#wayline/access';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { usesServers } from '../support/test-stores.ts';

const KEY_PATTERN = /^wl_[A-Za-z0-9_-]{43}$/;

describe('API keys', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    await testApp.close();
  });

  const api = () => testApp.api();
  const createKey = async (name: string, role: string) => (await api().post('/v1/admin/api-keys').send({ name, role }).expect(201)).body;
  /** Status of a read that analyst keys may make. */
  const analystCall = async (key: string) => (await testApp.as(key).get('/v1/models')).status;

  describe('create and list', () => {
    it('shows the key once and stores only its hash', async () => {
      const created = await api().post('/v1/admin/api-keys').send({ name: 'newsletter', role: 'platform' }).expect(201);

      expect(created.headers['cache-control']).toBe('no-store');
      expect(created.body.key).toMatch(KEY_PATTERN);
      expect(created.body.keyPrefix).toBe(created.body.key.slice(0, 11));
      expect(created.body.role).toBe('platform');
      const stored = await testApp.stores.database.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(stored.keyHash).toBe(hashApiKey(created.body.key));
      expect(JSON.stringify(stored)).not.toContain(created.body.key);
    });

    it('lists keys without secrets or hashes', async () => {
      const created = await createKey('listed', 'analyst');

      const listed = await api().get('/v1/admin/api-keys').expect(200);

      const item = listed.body.items.find((candidate: { id: string }) => candidate.id === created.id);
      expect(item).toEqual({
        id: created.id,
        name: 'listed',
        role: 'analyst',
        keyPrefix: created.keyPrefix,
        createdAt: created.createdAt,
        createdByKeyId: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
        rotatedFromId: null,
      });
      expect(JSON.stringify(listed.body)).not.toContain(created.key);
      expect(JSON.stringify(listed.body)).not.toContain(hashApiKey(created.key));
      expect(JSON.stringify(listed.body)).not.toContain(testApp.adminKey);
    });

    it('records the admin key that created a key', async () => {
      const listed = await api().get('/v1/admin/api-keys').expect(200);
      const environmentKey = listed.body.items.find((item: { name: string }) => item.name === 'WAYLINE_ADMIN_KEY');

      const created = await createKey('audited', 'marketer');

      // The principal set by the guard is visible in the service, after the JSON body was parsed.
      expect(created.createdByKeyId).toBe(environmentKey.id);
    });

    it('records when a key was last used', async () => {
      const created = await createKey('used', 'analyst');

      expect(await analystCall(created.key)).toBe(200);

      const lastUsedAt = await waitFor(async () => {
        const stored = await testApp.stores.database.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
        return stored.lastUsedAt ?? undefined;
      }, 5_000, 'lastUsedAt');
      expect(lastUsedAt.getTime()).toBeGreaterThanOrEqual(new Date(created.createdAt).getTime());
    });

    it.each<[string, unknown, string[]]>([
      ['an empty name and unknown role', { name: ' ', role: 'root' }, ['body.name', 'body.role']],
      ['missing fields', {}, ['body.name', 'body.role']],
      ['an unknown field', { name: 'x', role: 'analyst', secret: 'mine' }, ['body']],
    ])('rejects %s', async (_case, body, paths) => {
      const response = await api().post('/v1/admin/api-keys').send(body as object).expect(400);

      expect(response.body.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(paths);
    });

    it('rejects a bad list query', async () => {
      const response = await api().get('/v1/admin/api-keys?includeRevoked=yes').expect(400);

      expect(response.body.problems[0].path).toBe('query.includeRevoked');
    });
  });

  describe('revoke', () => {
    it('stops a revoked key at once and lists it only on request', async () => {
      const created = await createKey('short-lived', 'platform');
      expect(await analystCall(created.key)).toBe(403);
      expect((await testApp.as(created.key).get('/v1/customers/x/next-best-offer?channel=none')).status).not.toBe(401);

      await api().delete(`/v1/admin/api-keys/${created.id}`).expect(204);

      const rejected = await testApp.as(created.key).get('/v1/customers/x/next-best-offer?channel=none');
      expect(rejected.status).toBe(401);
      expect(rejected.headers['www-authenticate']).toBe('Bearer realm="wayline", error="invalid_token"');
      await api().delete(`/v1/admin/api-keys/${created.id}`).expect(404);
      const active = await api().get('/v1/admin/api-keys').expect(200);
      expect(active.body.items.map((item: { id: string }) => item.id)).not.toContain(created.id);
      const all = await api().get('/v1/admin/api-keys?includeRevoked=true').expect(200);
      const revoked = all.body.items.find((item: { id: string }) => item.id === created.id);
      expect(revoked.revokedAt).toEqual(expect.any(String));
    });

    it('rejects a bad id', async () => {
      const response = await api().delete('/v1/admin/api-keys/not-a-uuid').expect(400);

      expect(response.body.problems[0].path).toBe('path.id');
    });

    it('keeps the last active admin key', async () => {
      const listed = await api().get('/v1/admin/api-keys').expect(200);
      const environmentKey = listed.body.items.find((item: { name: string }) => item.name === 'WAYLINE_ADMIN_KEY');

      const response = await api().delete(`/v1/admin/api-keys/${environmentKey.id}`).expect(409);

      expect(response.body.message).toContain('last active admin key');
    });
  });

  describe('rotate', () => {
    it('replaces the key and ends the old one at once by default', async () => {
      const old = await createKey('rotated', 'analyst');

      const rotated = await api().post(`/v1/admin/api-keys/${old.id}/rotate`).expect(201);

      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(rotated.body.key).toMatch(KEY_PATTERN);
      expect(rotated.body).toMatchObject({ name: 'rotated', role: 'analyst', rotatedFromId: old.id, revokedAt: null });
      expect(rotated.body.previous).toMatchObject({ id: old.id, revokedAt: expect.any(String) });
      expect(await analystCall(rotated.body.key)).toBe(200);
      expect(await analystCall(old.key)).toBe(401);
    });

    it('keeps the old key working during the grace period', async () => {
      const old = await createKey('graceful', 'analyst');
      expect(await analystCall(old.key)).toBe(200);

      const rotated = await api().post(`/v1/admin/api-keys/${old.id}/rotate`).send({ graceSeconds: 600 }).expect(201);

      expect(new Date(rotated.body.previous.revokedAt).getTime()).toBeGreaterThan(Date.now() + 590_000);
      expect(await analystCall(old.key)).toBe(200);
      expect(await analystCall(rotated.body.key)).toBe(200);
      const again = await api().post(`/v1/admin/api-keys/${old.id}/rotate`).expect(409);
      expect(again.body.message).toContain(rotated.body.id);

      // Revoking a key in its grace period ends it at once.
      await api().delete(`/v1/admin/api-keys/${old.id}`).expect(204);
      expect(await analystCall(old.key)).toBe(401);
      expect(await analystCall(rotated.body.key)).toBe(200);
    });

    it.each<[string, unknown, string]>([
      ['a negative grace period', { graceSeconds: -1 }, 'body.graceSeconds'],
      ['a grace period over a day', { graceSeconds: 86_401 }, 'body.graceSeconds'],
      ['an unknown field', { role: 'admin' }, 'body'],
    ])('rejects %s', async (_case, body, path) => {
      const old = await createKey('invalid-rotation', 'analyst');

      const response = await api().post(`/v1/admin/api-keys/${old.id}/rotate`).send(body as object).expect(400);

      expect(response.body.problems[0].path).toBe(path);
      expect(await analystCall(old.key)).toBe(200);
    });

    it('answers 404 for a revoked or unknown key', async () => {
      const old = await createKey('gone', 'analyst');
      await api().delete(`/v1/admin/api-keys/${old.id}`).expect(204);

      await api().post(`/v1/admin/api-keys/${old.id}/rotate`).expect(404);
      await api().post('/v1/admin/api-keys/00000000-0000-4000-8000-000000000000/rotate').expect(404);
    });
  });

  describe('audit log', () => {
    it('records create, rotate and revoke without secrets', async () => {
      const created = await createKey('audited-platform', 'platform');
      const rotated = (await api().post(`/v1/admin/api-keys/${created.id}/rotate`).expect(201)).body;
      await api().delete(`/v1/admin/api-keys/${rotated.id}`).expect(204);

      const listed = await api().get('/v1/admin/audit-log').query({ entityType: 'api-key', entityKey: 'audited-platform' }).expect(200);

      const entries = listed.body.entries as Array<{ action: string; entityId: string; actor: { name: string; role: string }; before: unknown; after: unknown }>;
      expect(entries.map((entry) => [entry.action, entry.entityId])).toEqual([
        ['revoke', rotated.id],
        ['create', rotated.id],
        ['rotate', created.id],
        ['create', created.id],
      ]);
      expect(new Set(entries.map((entry) => entry.actor.name))).toEqual(new Set(['WAYLINE_ADMIN_KEY']));
      expect(entries[0]!.after).toMatchObject({ id: rotated.id, role: 'platform', revokedAt: expect.any(String) });
      const text = JSON.stringify(entries);
      expect(text).not.toContain(created.key);
      expect(text).not.toContain(rotated.key);
      expect(text).not.toContain(hashApiKey(created.key));
    });
  });

  // PGlite serves one process, so a second replica needs PostgreSQL and Redis.
  (usesServers() ? describe : describe.skip)('on a second replica', () => {
    it('sees a revocation within a second', async () => {
      const replica = await createTestApp({ withWorker: false, shareStoresOf: testApp });
      try {
        const created = await createKey('replicated', 'analyst');
        // The replica caches the key on first use.
        expect((await replica.as(created.key).get('/v1/models')).status).toBe(200);

        await api().delete(`/v1/admin/api-keys/${created.id}`).expect(204);

        const startedAt = Date.now();
        await waitFor(async () => ((await replica.as(created.key).get('/v1/models')).status === 401 ? true : undefined), 5_000, 'revocation on the replica');
        expect(Date.now() - startedAt).toBeLessThan(1_000);
      } finally {
        await replica.close();
      }
    });
  });

  describe('admin key bootstrap', () => {
    it('stores WAYLINE_ADMIN_KEY once across restarts', async () => {
      const keys = testApp.app.get(ApiKeyService);

      expect(await keys.ensureAdminKey(testApp.adminKey)).toEqual({ kind: 'present' });

      const stored = await testApp.stores.database.prisma.apiKey.findMany({ where: { keyHash: hashApiKey(testApp.adminKey) } });
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ name: 'WAYLINE_ADMIN_KEY', role: 'admin', revokedAt: null });
    });
  });
});

describe('admin key bootstrap', () => {
  it('does not bring back a revoked WAYLINE_ADMIN_KEY', async () => {
    const testApp = await createTestApp({ withWorker: false });
    try {
      const second = (await testApp.api().post('/v1/admin/api-keys').send({ name: 'second-admin', role: 'admin' }).expect(201)).body;
      const stored = await testApp.stores.database.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(testApp.adminKey) } });
      await testApp.as(second.key).delete(`/v1/admin/api-keys/${stored.id}`).expect(204);

      expect(await testApp.app.get(ApiKeyService).ensureAdminKey(testApp.adminKey)).toEqual({ kind: 'revoked' });

      await testApp.api().get('/v1/admin/api-keys').expect(401);
    } finally {
      await testApp.close();
    }
  });

  it('generates and prints the first admin key when WAYLINE_ADMIN_KEY is unset', async () => {
    const { testApp, output } = await startWithoutAdminKey();
    try {
      const key = /\b(wl_[A-Za-z0-9_-]{43})\b/.exec(output)?.[1];
      expect(key).toBeDefined();
      expect(output).toContain('Authorization: Bearer <key>');

      const listed = await testApp.as(key).get('/v1/admin/api-keys').expect(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ name: 'generated-admin', role: 'admin' })]);

      // A restart finds the active admin key and generates none.
      expect(await testApp.app.get(ApiKeyService).ensureAdminKey(undefined)).toEqual({ kind: 'admin-exists' });
      expect(await testApp.stores.database.prisma.apiKey.count()).toBe(1);
    } finally {
      await testApp.close();
    }
  });

  it('generates one key when replicas start together', async () => {
    const { testApp } = await startWithoutAdminKey();
    try {
      const keys = testApp.app.get(ApiKeyService);
      await testApp.stores.database.prisma.apiKey.updateMany({ data: { revokedAt: new Date() } });

      const results = await Promise.all([keys.ensureAdminKey(undefined), keys.ensureAdminKey(undefined), keys.ensureAdminKey(undefined)]);

      expect(results.map((result) => result.kind).sort()).toEqual(['admin-exists', 'admin-exists', 'generated']);
    } finally {
      await testApp.close();
    }
  });
});

/** Starts an app without WAYLINE_ADMIN_KEY and returns what it printed to standard error. */
async function startWithoutAdminKey(): Promise<{ testApp: TestApp; output: string }> {
  const printed: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const testApp = await createTestApp({ withWorker: false, env: { WAYLINE_ADMIN_KEY: '' } });
    return { testApp, output: printed.join('') };
  } finally {
    write.mockRestore();
  }
}
