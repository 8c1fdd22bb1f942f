import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import {
  campaignBody,
  catalogTestAppOptions,
  createCampaign,
  createChannel,
  createOffer,
  expectProblem,
} from './catalog-fixtures.ts';

/** `n` nested `!` operators around `true`. */
function nestedNot(levels: number): unknown {
  let rule: unknown = true;
  for (let level = 0; level < levels; level++) {
    rule = { '!': rule };
  }
  return rule;
}

describe('admin campaigns API', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp(catalogTestAppOptions);
    api = () => testApp.api();
    await createChannel(testApp, { name: 'email' });
    await createOffer(testApp, { name: 'welcome-email' });
    await createOffer(testApp, { name: 'winback-email' });
    await createOffer(testApp, { name: 'retired-email' });
    expect((await api().delete('/v1/admin/offers/retired-email')).status).toBe(200);
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function campaignKeys(query = ''): Promise<string[]> {
    const response = await api().get(`/v1/admin/campaigns${query}`);
    expect(response.status).toBe(200);
    return (response.body.campaigns as Array<{ key: string }>).map((campaign) => campaign.key);
  }

  it('creates a campaign with defaults', async () => {
    const response = await api().post('/v1/admin/campaigns').send(campaignBody({ key: 'welcome' }));

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual([
      'active',
      'applicabilityRule',
      'businessLever',
      'contextWeights',
      'createdAt',
      'endsAt',
      'holdoutGroup',
      'holdoutShare',
      'id',
      'key',
      'name',
      'offerBudget',
      'offers',
      'priority',
      'rule',
      'startsAt',
      'suitabilityRule',
      'updatedAt',
    ]);
    expect(response.body.rule).toBe(true);
    expect(response.body.offers).toEqual(['welcome-email']);
    expect(response.body.holdoutShare).toBe(0.1);
    expect(response.body.holdoutGroup).toBe('welcome');
    expect(response.body.priority).toBe(0);
    expect(response.body.startsAt).toBeNull();
    expect(response.body.endsAt).toBeNull();
    expect(response.body.active).toBe(true);
  });

  it('creates a campaign with every field', async () => {
    const rule = {
      and: [{ '>=': [{ var: 'customer.engagement' }, 40] }, { in: [{ var: 'customer.emotion' }, ['frustrated', 'sad']] }],
    };

    const response = await api()
      .post('/v1/admin/campaigns')
      .send(
        campaignBody({
          key: 'winback',
          name: '  Win back lapsed customers  ',
          rule,
          offers: ['winback-email', 'welcome-email'],
          holdoutShare: 0.25,
          holdoutGroup: 'retention',
          priority: 5,
          startsAt: '2025-01-01T09:00:00+01:00',
          endsAt: '2025-03-01T00:00:00Z',
        }),
      );

    expect(response.status).toBe(201);
    expect(response.body.name).toBe('Win back lapsed customers');
    expect(response.body.rule).toEqual(rule);
    expect(response.body.offers).toEqual(['welcome-email', 'winback-email']);
    expect(response.body.holdoutGroup).toBe('retention');
    expect(response.body.priority).toBe(5);
    expect(response.body.startsAt).toBe('2025-01-01T08:00:00.000Z');
    expect(response.body.endsAt).toBe('2025-03-01T00:00:00.000Z');
  });

  it('gets a campaign by key', async () => {
    const response = await api().get('/v1/admin/campaigns/winback');

    expect(response.status).toBe(200);
    expect(response.body.key).toBe('winback');
    expect(response.body.offers).toEqual(['welcome-email', 'winback-email']);
  });

  it('returns 404 for an unknown key', async () => {
    const get = await api().get('/v1/admin/campaigns/no-such-campaign');
    const patch = await api().patch('/v1/admin/campaigns/no-such-campaign').send({ priority: 1 });
    const remove = await api().delete('/v1/admin/campaigns/no-such-campaign');

    expect(get.status).toBe(404);
    expect(get.body.message).toBe("Campaign 'no-such-campaign' was not found");
    expect(patch.status).toBe(404);
    expect(remove.status).toBe(404);
  });

  it('rejects a duplicate key with 409', async () => {
    const response = await api().post('/v1/admin/campaigns').send(campaignBody({ key: 'welcome', name: 'Other' }));

    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/Campaign 'welcome' already exists/);
    expect((await api().get('/v1/admin/campaigns/welcome')).body.name).toBe('Welcome series');
  });

  it('patches scalar fields', async () => {
    const response = await api()
      .patch('/v1/admin/campaigns/welcome')
      .send({ name: 'Welcome, second edition', priority: -2, holdoutShare: 0, rule: { '<': [{ var: 'customer.eventCount' }, 3] } });

    expect(response.status).toBe(200);
    expect(response.body.name).toBe('Welcome, second edition');
    expect(response.body.priority).toBe(-2);
    expect(response.body.holdoutShare).toBe(0);
    expect(response.body.rule).toEqual({ '<': [{ var: 'customer.eventCount' }, 3] });
    expect(response.body.offers).toEqual(['welcome-email']);
  });

  it('replaces the offers on patch', async () => {
    const response = await api().patch('/v1/admin/campaigns/winback').send({ offers: ['winback-email'] });

    expect(response.status).toBe(200);
    expect(response.body.offers).toEqual(['winback-email']);
    expect((await api().get('/v1/admin/campaigns/winback')).body.offers).toEqual(['winback-email']);
  });

  it('clears the window with null', async () => {
    await createCampaign(testApp, { key: 'spring', startsAt: '2025-03-01T00:00:00Z', endsAt: '2025-06-01T00:00:00Z' });

    const response = await api().patch('/v1/admin/campaigns/spring').send({ startsAt: null });

    expect(response.status).toBe(200);
    expect(response.body.startsAt).toBeNull();
    expect(response.body.endsAt).toBe('2025-06-01T00:00:00.000Z');
  });

  it('checks a patched end against the stored start', async () => {
    await createCampaign(testApp, { key: 'summer', startsAt: '2025-06-01T00:00:00Z' });
    const before = await api().get('/v1/admin/campaigns/summer');

    const response = await api().patch('/v1/admin/campaigns/summer').send({ endsAt: '2025-05-01T00:00:00Z' });

    expectProblem(response, 'body.endsAt', /must be after startsAt \(2025-06-01T00:00:00.000Z\)/);
    expect((await api().get('/v1/admin/campaigns/summer')).body).toEqual(before.body);
  });

  it('checks a patched start against the stored end', async () => {
    const before = await api().get('/v1/admin/campaigns/spring');

    const response = await api().patch('/v1/admin/campaigns/spring').send({ startsAt: '2025-07-01T00:00:00Z' });

    expectProblem(response, 'body.startsAt', /must be before endsAt \(2025-06-01T00:00:00.000Z\)/);
    expect((await api().get('/v1/admin/campaigns/spring')).body).toEqual(before.body);
  });

  it('renames the key and keeps the holdout group', async () => {
    await createCampaign(testApp, { key: 'autumn' });

    const response = await api().patch('/v1/admin/campaigns/autumn').send({ key: 'autumn-2025' });

    expect(response.status).toBe(200);
    expect(response.body.key).toBe('autumn-2025');
    expect(response.body.holdoutGroup).toBe('autumn');
    expect((await api().get('/v1/admin/campaigns/autumn')).status).toBe(404);
  });

  it('rejects a rename onto a taken key with 409', async () => {
    const response = await api().patch('/v1/admin/campaigns/autumn-2025').send({ key: 'welcome', offers: ['winback-email'] });

    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/Campaign 'welcome' already exists/);
    const unchanged = await api().get('/v1/admin/campaigns/autumn-2025');
    expect(unchanged.body.offers).toEqual(['welcome-email']);
  });

  it('deactivates on delete and filters by flag', async () => {
    const response = await api().delete('/v1/admin/campaigns/spring');

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(false);
    expect(await campaignKeys('?active=false')).toEqual(['spring']);
    expect(await campaignKeys('?active=true')).toEqual(['autumn-2025', 'summer', 'welcome', 'winback']);
    expect(await campaignKeys()).toEqual(['autumn-2025', 'spring', 'summer', 'welcome', 'winback']);
  });

  it('reactivates with patch', async () => {
    const response = await api().patch('/v1/admin/campaigns/spring').send({ active: true });

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(true);
  });

  const badBodies: Array<[string, unknown, string, RegExp]> = [
    ['a missing key', { name: 'x', offers: ['welcome-email'], holdoutShare: 0.1 }, 'body.key', /is required/],
    ['a bad key', campaignBody({ key: 'New Campaign' }), 'body.key', /lowercase letters/],
    ['a missing name', { key: 'new-campaign', offers: ['welcome-email'], holdoutShare: 0.1 }, 'body.name', /is required/],
    ['a blank name', campaignBody({ key: 'new-campaign', name: '   ' }), 'body.name', /must not be empty/],
    ['a numeric name', campaignBody({ key: 'new-campaign', name: 12 }), 'body.name', /expected string/],
    ['a NUL in the name', campaignBody({ key: 'new-campaign', name: 'Spring\u0000' }), 'body.name', /NUL character/],
    ['missing offers', { key: 'new-campaign', name: 'x', holdoutShare: 0.1 }, 'body.offers', /is required/],
    ['offers as a string', campaignBody({ key: 'new-campaign', offers: 'welcome-email' }), 'body.offers', /must be an array of offer names/],
    ['no offers', campaignBody({ key: 'new-campaign', offers: [] }), 'body.offers', /at least 1 offer/],
    [
      '51 offers',
      campaignBody({ key: 'new-campaign', offers: Array.from({ length: 51 }, (_, index) => `offer-${index}`) }),
      'body.offers',
      /at most 50 offers/,
    ],
    ['an unknown offer', campaignBody({ key: 'new-campaign', offers: ['welcome-email', 'ghost'] }), 'body.offers[1]', /offer 'ghost' was not found/],
    ['an inactive offer', campaignBody({ key: 'new-campaign', offers: ['retired-email'] }), 'body.offers[0]', /offer 'retired-email' is inactive/],
    [
      'a repeated offer',
      campaignBody({ key: 'new-campaign', offers: ['welcome-email', 'welcome-email'] }),
      'body.offers[1]',
      /listed more than once/,
    ],
    ['a bad offer name', campaignBody({ key: 'new-campaign', offers: ['Welcome'] }), 'body.offers[0]', /lowercase letters/],
    ['a missing holdout share', { key: 'new-campaign', name: 'x', offers: ['welcome-email'] }, 'body.holdoutShare', /is required/],
    ['holdout share 1.5', campaignBody({ key: 'new-campaign', holdoutShare: 1.5 }), 'body.holdoutShare', /between 0 and 1/],
    ['a negative holdout share', campaignBody({ key: 'new-campaign', holdoutShare: -0.1 }), 'body.holdoutShare', /between 0 and 1/],
    ['a string holdout share', campaignBody({ key: 'new-campaign', holdoutShare: '0.1' }), 'body.holdoutShare', /expected number/],
    ['a bad holdout group', campaignBody({ key: 'new-campaign', holdoutGroup: 'Control Group' }), 'body.holdoutGroup', /lowercase letters/],
    ['a fractional priority', campaignBody({ key: 'new-campaign', priority: 1.5 }), 'body.priority', /must be an integer/],
    ['a priority beyond int32', campaignBody({ key: 'new-campaign', priority: 2 ** 31 }), 'body.priority', /at most 2147483647/],
    ['a start without offset', campaignBody({ key: 'new-campaign', startsAt: '2025-01-01T00:00:00' }), 'body.startsAt', /with an offset/],
    ['a date-only start', campaignBody({ key: 'new-campaign', startsAt: '2025-01-01' }), 'body.startsAt', /ISO 8601 datetime/],
    ['an impossible date', campaignBody({ key: 'new-campaign', endsAt: '2025-02-30T00:00:00Z' }), 'body.endsAt', /ISO 8601 datetime/],
    [
      'an end before the start',
      campaignBody({ key: 'new-campaign', startsAt: '2025-02-01T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' }),
      'body.endsAt',
      /must be after startsAt \(2025-02-01T00:00:00.000Z\)/,
    ],
    [
      'an end equal to the start',
      campaignBody({ key: 'new-campaign', startsAt: '2025-02-01T01:00:00+01:00', endsAt: '2025-02-01T00:00:00Z' }),
      'body.endsAt',
      /must be after startsAt/,
    ],
    [
      'a custom rule operator',
      campaignBody({ key: 'new-campaign', rule: { and: [true, { log: 'x' }] } }),
      'body.rule.and[1].log',
      /unknown operator 'log'/,
    ],
    [
      'an unknown rule variable',
      campaignBody({ key: 'new-campaign', rule: { and: [true, { '>=': [{ var: 'customer.score' }, 10] }] } }),
      'body.rule.and[1].>=[0].var',
      /unknown variable 'customer.score'/,
    ],
    ['a rule too deep', campaignBody({ key: 'new-campaign', rule: nestedNot(12) }), 'body.rule.!.!.!.!.!.!.!.!.!.!.!.!', /deeper than 12 levels/],
    [
      'a rule too large',
      campaignBody({ key: 'new-campaign', rule: { or: Array.from({ length: 200 }, () => false) } }),
      'body.rule',
      /more than 200 nodes/,
    ],
    ['a null rule', campaignBody({ key: 'new-campaign', rule: null }), 'body.rule', /must be true, false or an operator object/],
    [
      'a NUL in a rule string',
      campaignBody({ key: 'new-campaign', rule: { '==': [{ var: 'customer.stage' }, 'new\u0000'] } }),
      'body.rule.==[1]',
      /NUL character/,
    ],
    ['a wrong argument count', campaignBody({ key: 'new-campaign', rule: { '>=': [1] } }), 'body.rule.>=', /exactly 2 arguments/],
    ['an unknown field', campaignBody({ key: 'new-campaign', segment: 'vip' }), 'body', /unknown field 'segment'/],
    ['a body that is an array', [campaignBody({ key: 'new-campaign' })], 'body', /must be a JSON object/],
  ];

  it.each(badBodies)('rejects %s and writes nothing', async (_case, body, path, message) => {
    const before = await campaignKeys();

    const response = await api()
      .post('/v1/admin/campaigns')
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));

    expectProblem(response, path, message);
    expect(await campaignKeys()).toEqual(before);
    expect((await api().get('/v1/admin/campaigns/new-campaign')).status).toBe(404);
  });

  it('rejects malformed JSON and writes nothing', async () => {
    const before = await campaignKeys();

    const response = await api()
      .post('/v1/admin/campaigns')
      .set('content-type', 'application/json')
      .send('{"key": "new-campaign", "offers": [');

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('malformed_json');
    expect(response.body.problems).toEqual([{ path: 'body', message: 'malformed JSON' }]);
    expect(await campaignKeys()).toEqual(before);
  });

  it('reports every bad field at once', async () => {
    const response = await api()
      .post('/v1/admin/campaigns')
      .send({ key: 'x y', name: 'x', offers: [], holdoutShare: 2, rule: { foo: 1 } });

    expect(response.status).toBe(400);
    const paths = (response.body.problems as Array<{ path: string }>).map((problem) => problem.path).sort();
    expect(paths).toEqual(['body.holdoutShare', 'body.key', 'body.offers', 'body.rule.foo']);
  });

  it('names every unknown offer', async () => {
    const response = await api()
      .post('/v1/admin/campaigns')
      .send(campaignBody({ key: 'new-campaign', offers: ['ghost', 'welcome-email', 'retired-email'] }));

    expect(response.status).toBe(400);
    const paths = (response.body.problems as Array<{ path: string }>).map((problem) => problem.path);
    expect(paths).toEqual(['body.offers[0]', 'body.offers[2]']);
  });

  const badPatches: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an empty patch', {}, 'body', /at least one field/],
    ['an unknown offer', { offers: ['winback-email', 'ghost'] }, 'body.offers[1]', /was not found/],
    ['an inactive offer', { offers: ['retired-email'] }, 'body.offers[0]', /is inactive/],
    ['no offers', { offers: [] }, 'body.offers', /at least 1 offer/],
    ['holdout share 1.5', { holdoutShare: 1.5 }, 'body.holdoutShare', /between 0 and 1/],
    ['a bad rule', { rule: { '>=': [{ var: 'customer.mood' }, 1] } }, 'body.rule.>=[0].var', /unknown variable 'customer.mood'/],
    ['a null rule', { rule: null }, 'body.rule', /must be true, false or an operator object/],
    ['a window given backwards', { startsAt: '2025-02-01T00:00:00Z', endsAt: '2024-02-01T00:00:00Z' }, 'body.endsAt', /must be after startsAt/],
    ['a null key', { key: null }, 'body.key', /expected string/],
    ['a string flag', { active: 'false' }, 'body.active', /expected boolean/],
    ['an unknown field', { id: 'x' }, 'body', /unknown field 'id'/],
  ];

  it.each(badPatches)('rejects a patch with %s and changes nothing', async (_case, body, path, message) => {
    const before = await api().get('/v1/admin/campaigns/winback');

    const response = await api().patch('/v1/admin/campaigns/winback').send(body);

    expectProblem(response, path, message);
    expect((await api().get('/v1/admin/campaigns/winback')).body).toEqual(before.body);
  });

  it('rejects bad list filters', async () => {
    const badFlag = await api().get('/v1/admin/campaigns?active=1');
    const unknownFilter = await api().get('/v1/admin/campaigns?channel=email');

    expectProblem(badFlag, 'query.active', /must be true or false/);
    expectProblem(unknownFilter, 'query', /unknown field 'channel'/);
  });
});
