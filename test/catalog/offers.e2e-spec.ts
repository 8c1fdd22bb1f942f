import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { catalogTestAppOptions, createChannel, createOffer, expectProblem, offerBody } from './catalog-fixtures.ts';

describe('admin offers API', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp(catalogTestAppOptions);
    api = () => testApp.api();
    await createChannel(testApp, { name: 'email' });
    await createChannel(testApp, { name: 'push' });
    await createChannel(testApp, { name: 'fax' });
    expect((await api().delete('/v1/admin/channels/fax')).status).toBe(200);
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function offerNames(query = ''): Promise<string[]> {
    const response = await api().get(`/v1/admin/offers${query}`);
    expect(response.status).toBe(200);
    return (response.body.offers as Array<{ name: string }>).map((offer) => offer.name);
  }

  it('creates an offer', async () => {
    const response = await api().post('/v1/admin/offers').send(offerBody({ name: 'welcome-email' }));

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual([
      'active',
      'channel',
      'content',
      'createdAt',
      'id',
      'name',
      'requiredAttributes',
      'updatedAt',
      'value',
    ]);
    expect(response.body.channel).toBe('email');
    expect(response.body.content).toEqual({
      subject: 'Welcome',
      body: 'Hello and welcome',
      url: 'https://example.com/welcome',
    });
    expect(response.body.value).toBe(12.5);
    expect(response.body.active).toBe(true);
  });

  it('defaults the value to 0', async () => {
    const body = offerBody({ name: 'push-nudge', channel: 'push' });
    delete body['value'];

    const response = await api().post('/v1/admin/offers').send(body);

    expect(response.status).toBe(201);
    expect(response.body.value).toBe(0);
  });

  it('gets an offer by name', async () => {
    const response = await api().get('/v1/admin/offers/push-nudge');

    expect(response.status).toBe(200);
    expect(response.body.channel).toBe('push');
  });

  it('lists offers, filtered by channel', async () => {
    await createOffer(testApp, { name: 'a_second-email' });

    expect(await offerNames()).toEqual(['a_second-email', 'push-nudge', 'welcome-email']);
    expect(await offerNames('?channel=email')).toEqual(['a_second-email', 'welcome-email']);
    expect(await offerNames('?channel=push')).toEqual(['push-nudge']);
    expect(await offerNames('?channel=telegram')).toEqual([]);
  });

  it('rejects a duplicate name with 409', async () => {
    const response = await api().post('/v1/admin/offers').send(offerBody({ name: 'welcome-email', channel: 'push' }));

    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/Offer 'welcome-email' already exists/);
    const stored = await api().get('/v1/admin/offers/welcome-email');
    expect(stored.body.channel).toBe('email');
  });

  it('returns 404 for an unknown name', async () => {
    const get = await api().get('/v1/admin/offers/nothing-here');
    const patch = await api().patch('/v1/admin/offers/nothing-here').send({ value: 1 });
    const remove = await api().delete('/v1/admin/offers/nothing-here');

    expect(get.status).toBe(404);
    expect(get.body.message).toBe("Offer 'nothing-here' was not found");
    expect(patch.status).toBe(404);
    expect(remove.status).toBe(404);
  });

  it('patches content, value and channel', async () => {
    const response = await api()
      .patch('/v1/admin/offers/a_second-email')
      .send({ content: { subject: 'Second try' }, value: 3, channel: 'push' });

    expect(response.status).toBe(200);
    expect(response.body.content).toEqual({ subject: 'Second try' });
    expect(response.body.value).toBe(3);
    expect(response.body.channel).toBe('push');
    expect(await offerNames('?channel=push')).toEqual(['a_second-email', 'push-nudge']);
  });

  it('deactivates on delete and filters by flag', async () => {
    const response = await api().delete('/v1/admin/offers/push-nudge');

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(false);
    expect(await offerNames('?active=false')).toEqual(['push-nudge']);
    expect(await offerNames('?channel=push&active=true')).toEqual(['a_second-email']);
  });

  it('reactivates with patch', async () => {
    const response = await api().patch('/v1/admin/offers/push-nudge').send({ active: true });

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(true);
  });

  it('rejects activation on an inactive channel', async () => {
    await createChannel(testApp, { name: 'pager' });
    await createOffer(testApp, { name: 'pager-offer', channel: 'pager' });
    await api().delete('/v1/admin/offers/pager-offer');
    await api().delete('/v1/admin/channels/pager');

    const response = await api().patch('/v1/admin/offers/pager-offer').send({ active: true });

    expectProblem(response, 'body.active', /inactive channel 'pager'/);
    expect((await api().get('/v1/admin/offers/pager-offer')).body.active).toBe(false);
  });

  const deepContent = (levels: number): Record<string, unknown> => {
    let content: Record<string, unknown> = { leaf: true };
    for (let level = 1; level < levels; level++) {
      content = { nested: content };
    }
    return content;
  };

  const badBodies: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a missing name', { channel: 'email', content: {} }, 'body.name', /is required/],
    ['a bad name', offerBody({ name: 'Big Offer' }), 'body.name', /lowercase letters/],
    ['a missing channel', { name: 'new-offer', content: {} }, 'body.channel', /is required/],
    ['an unknown channel', offerBody({ name: 'new-offer', channel: 'telegram' }), 'body.channel', /channel 'telegram' was not found/],
    ['an inactive channel', offerBody({ name: 'new-offer', channel: 'fax' }), 'body.channel', /channel 'fax' is inactive/],
    ['a numeric channel', offerBody({ name: 'new-offer', channel: 5 }), 'body.channel', /expected string/],
    ['missing content', { name: 'new-offer', channel: 'email' }, 'body.content', /is required/],
    ['array content', offerBody({ name: 'new-offer', content: ['subject'] }), 'body.content', /must be a JSON object/],
    ['string content', offerBody({ name: 'new-offer', content: 'Hello' }), 'body.content', /must be a JSON object/],
    ['null content', offerBody({ name: 'new-offer', content: null }), 'body.content', /must be a JSON object/],
    [
      'content over 16 KB',
      offerBody({ name: 'new-offer', content: { body: 'x'.repeat(16 * 1024) } }),
      'body.content',
      /is 16395 bytes as JSON; the limit is 16384 bytes/,
    ],
    ['content 33 levels deep', offerBody({ name: 'new-offer', content: deepContent(33) }), 'body.content', /deeper than 32 levels/],
    ['a NUL in a content value', offerBody({ name: 'new-offer', content: { body: 'a\u0000b' } }), 'body.content', /NUL character/],
    ['a NUL in a content key', offerBody({ name: 'new-offer', content: { list: [{ 'a\u0000': 1 }] } }), 'body.content', /NUL character/],
    ['a negative value', offerBody({ name: 'new-offer', value: -1 }), 'body.value', /must be 0 or more/],
    ['a string value', offerBody({ name: 'new-offer', value: '5' }), 'body.value', /must be a number/],
    ['an unknown field', offerBody({ name: 'new-offer', channelId: 'x' }), 'body', /unknown field 'channelId'; allowed fields: name, channel, content, value/],
  ];

  it.each(badBodies)('rejects %s and writes nothing', async (_case, body, path, message) => {
    const before = await offerNames();

    const response = await api().post('/v1/admin/offers').send(body);

    expectProblem(response, path, message);
    expect(await offerNames()).toEqual(before);
  });

  it('accepts content of exactly 16 KB and 32 levels', async () => {
    // {"body":"…"} adds 11 bytes around the string.
    const atSizeLimit = await api().post('/v1/admin/offers').send(offerBody({ name: 'big-offer', content: { body: 'x'.repeat(16 * 1024 - 11) } }));
    const atDepthLimit = await api().post('/v1/admin/offers').send(offerBody({ name: 'deep-offer', content: deepContent(32) }));

    expect(atSizeLimit.status).toBe(201);
    expect(atDepthLimit.status).toBe(201);
  });

  it('accepts a literal backslash-u escape', async () => {
    const response = await api().post('/v1/admin/offers').send(offerBody({ name: 'escape-offer', content: { body: 'write \\u0000' } }));

    expect(response.status).toBe(201);
    expect(response.body.content).toEqual({ body: 'write \\u0000' });
  });

  it('rejects content nested thousands deep without crashing', async () => {
    const text = `{"name":"new-offer","channel":"email","content":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;

    const response = await api().post('/v1/admin/offers').set('content-type', 'application/json').send(text);

    // The HTTP layer rejects any body deeper than 64 levels before the offer schema runs.
    expectProblem(response, 'body', /deeper than 64 levels/);
  });

  it('rejects content nested deeper than 32 levels', async () => {
    const text = `{"name":"new-offer","channel":"email","content":{"a":${'['.repeat(40)}${']'.repeat(40)}}}`;

    const response = await api().post('/v1/admin/offers').set('content-type', 'application/json').send(text);

    expectProblem(response, 'body.content', /deeper than 32 levels/);
  });

  const badPatches: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an empty patch', {}, 'body', /at least one field/],
    ['a rename', { name: 'other' }, 'body', /unknown field 'name'/],
    ['an unknown channel', { channel: 'telegram' }, 'body.channel', /was not found/],
    ['an inactive channel', { channel: 'fax' }, 'body.channel', /is inactive/],
    ['a negative value', { value: -0.01 }, 'body.value', /must be 0 or more/],
    ['array content', { content: [] }, 'body.content', /must be a JSON object/],
  ];

  it.each(badPatches)('rejects a patch with %s and changes nothing', async (_case, body, path, message) => {
    const before = await api().get('/v1/admin/offers/welcome-email');

    const response = await api().patch('/v1/admin/offers/welcome-email').send(body);

    expectProblem(response, path, message);
    expect((await api().get('/v1/admin/offers/welcome-email')).body).toEqual(before.body);
  });

  it('rejects bad list filters', async () => {
    const badChannel = await api().get('/v1/admin/offers?channel=Not%20A%20Slug');
    const unknownFilter = await api().get('/v1/admin/offers?campaign=x');

    expectProblem(badChannel, 'query.channel', /lowercase letters/);
    expectProblem(unknownFilter, 'query', /unknown field 'campaign'/);
  });
});
