import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { catalogTestAppOptions, channelBody, createChannel, expectProblem } from './catalog-fixtures.ts';

describe('admin channels API', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp(catalogTestAppOptions);
    api = () => testApp.api();
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function channelNames(): Promise<string[]> {
    const response = await api().get('/v1/admin/channels');
    expect(response.status).toBe(200);
    return (response.body.channels as Array<{ name: string }>).map((channel) => channel.name);
  }

  it('creates a channel', async () => {
    const response = await api().post('/v1/admin/channels').send(channelBody({ name: 'email' }));

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['active', 'createdAt', 'hasSigningSecret', 'id', 'kind', 'name', 'recipientAttribute', 'timeoutMs', 'updatedAt', 'webhookUrl']);
    expect(response.body.name).toBe('email');
    expect(response.body.webhookUrl).toBe('http://127.0.0.1:9/hooks/email');
    expect(response.body.active).toBe(true);
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
  });

  it('gets a channel by name', async () => {
    const response = await api().get('/v1/admin/channels/email');

    expect(response.status).toBe(200);
    expect(response.body.name).toBe('email');
  });

  it('lists channels by name', async () => {
    await createChannel(testApp, { name: 'push', webhookUrl: 'https://127.0.0.1:9/push' });
    await createChannel(testApp, { name: 'app-inbox' });

    const names = await channelNames();

    expect(names).toEqual(['app-inbox', 'email', 'push']);
  });

  it('rejects a duplicate name with 409', async () => {
    const response = await api().post('/v1/admin/channels').send(channelBody({ name: 'email' }));

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('conflict');
    expect(response.body.message).toMatch(/Channel 'email' already exists/);
  });

  it('returns 404 for an unknown name', async () => {
    const response = await api().get('/v1/admin/channels/fax');

    expect(response.status).toBe(404);
    expect(response.body.message).toBe("Channel 'fax' was not found");
  });

  it('patches the webhook URL', async () => {
    const response = await api().patch('/v1/admin/channels/push').send({ webhookUrl: 'http://localhost:9/push-v2' });

    expect(response.status).toBe(200);
    expect(response.body.webhookUrl).toBe('http://localhost:9/push-v2');
    const stored = await api().get('/v1/admin/channels/push');
    expect(stored.body.webhookUrl).toBe('http://localhost:9/push-v2');
  });

  it('deactivates on delete', async () => {
    const response = await api().delete('/v1/admin/channels/app-inbox');

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(false);
    const stored = await api().get('/v1/admin/channels/app-inbox');
    expect(stored.status).toBe(200);
    expect(stored.body.active).toBe(false);
  });

  it('filters the list by active flag', async () => {
    const active = await api().get('/v1/admin/channels?active=true');
    const inactive = await api().get('/v1/admin/channels?active=false');

    expect(active.body.channels.map((channel: { name: string }) => channel.name)).toEqual(['email', 'push']);
    expect(inactive.body.channels.map((channel: { name: string }) => channel.name)).toEqual(['app-inbox']);
  });

  it('reactivates with patch', async () => {
    const response = await api().patch('/v1/admin/channels/app-inbox').send({ active: true });

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(true);
  });

  it('returns 404 on patch and delete', async () => {
    const patch = await api().patch('/v1/admin/channels/fax').send({ active: false });
    const remove = await api().delete('/v1/admin/channels/fax');

    expect(patch.status).toBe(404);
    expect(remove.status).toBe(404);
    expect(remove.body.message).toMatch(/'fax'/);
  });

  const badBodies: Array<[string, unknown, string, RegExp]> = [
    ['a missing name', { webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /is required/],
    ['a numeric name', { name: 7, webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /expected string/],
    ['an uppercase name', { name: 'Email2', webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /lowercase letters/],
    ['a name with a space', { name: 'e mail', webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /lowercase letters/],
    ['a name starting with -', { name: '-mail', webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /starting with a letter or digit/],
    ['a 65-character name', { name: 'a'.repeat(65), webhookUrl: 'http://127.0.0.1:9/x' }, 'body.name', /1 to 64/],
    ['a missing webhook URL', { name: 'sms' }, 'body.webhookUrl', /is required/],
    ['an ftp webhook URL', { name: 'sms', webhookUrl: 'ftp://127.0.0.1/x' }, 'body.webhookUrl', /http or https URL/],
    ['a webhook URL without scheme', { name: 'sms', webhookUrl: '127.0.0.1:9/x' }, 'body.webhookUrl', /http or https URL/],
    ['a numeric webhook URL', { name: 'sms', webhookUrl: 42 }, 'body.webhookUrl', /expected string/],
    ['a webhook URL with credentials', { name: 'sms', webhookUrl: 'http://user:secret@127.0.0.1:9/x' }, 'body.webhookUrl', /must not contain a user name or password/],
    ['a NUL in the webhook URL', { name: 'sms', webhookUrl: 'http://127.0.0.1:9/\u0000' }, 'body.webhookUrl', /NUL character/],
    ['an unknown field', { name: 'sms', webhookUrl: 'http://127.0.0.1:9/x', colour: 'red' }, 'body', /unknown field 'colour'; allowed fields: name, webhookUrl/],
    ['an array body', [{ name: 'sms' }], 'body', /must be a JSON object/],
  ];

  it.each(badBodies)('rejects %s and writes nothing', async (_case, body, path, message) => {
    const before = await channelNames();

    const response = await api().post('/v1/admin/channels').send(body as object);

    expectProblem(response, path, message);
    expect(await channelNames()).toEqual(before);
  });

  it('rejects malformed JSON and writes nothing', async () => {
    const before = await channelNames();

    const response = await api()
      .post('/v1/admin/channels')
      .set('content-type', 'application/json')
      .send('{"name": "sms", "webhookUrl": ');

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('malformed_json');
    expect(response.body.problems).toEqual([{ path: 'body', message: 'malformed JSON' }]);
    expect(await channelNames()).toEqual(before);
  });

  it('reports every bad field at once', async () => {
    const response = await api().post('/v1/admin/channels').send({ name: 'SMS', webhookUrl: 'mailto:x@example.com' });

    expect(response.status).toBe(400);
    expect(response.body.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(['body.name', 'body.webhookUrl']);
  });

  const badPatches: Array<[string, unknown, string, RegExp]> = [
    ['an empty patch', {}, 'body', /at least one field/],
    ['a renamed channel', { name: 'mail' }, 'body', /unknown field 'name'; allowed fields: webhookUrl, active/],
    ['a string flag', { active: 'no' }, 'body.active', /expected boolean/],
    ['a bad URL', { webhookUrl: 'not a url' }, 'body.webhookUrl', /http or https URL/],
    ['a null URL', { webhookUrl: null }, 'body.webhookUrl', /expected string/],
  ];

  it.each(badPatches)('rejects a patch with %s and changes nothing', async (_case, body, path, message) => {
    const before = await api().get('/v1/admin/channels/email');

    const response = await api().patch('/v1/admin/channels/email').send(body as object);

    expectProblem(response, path, message);
    const after = await api().get('/v1/admin/channels/email');
    expect(after.body).toEqual(before.body);
  });

  it('rejects bad list filters', async () => {
    const badFlag = await api().get('/v1/admin/channels?active=yes');
    const unknownFilter = await api().get('/v1/admin/channels?kind=email');

    expectProblem(badFlag, 'query.active', /must be true or false/);
    expectProblem(unknownFilter, 'query', /unknown field 'kind'/);
  });
});
