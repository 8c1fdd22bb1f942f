import { CatalogQueryService, CatalogService, emptyRecentEventCounts, evaluateEligibilityRule, type ActiveCampaign } from '#wayline/catalog';
import { NotFoundError, ValidationError } from '#wayline/common';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { catalogTestAppOptions, createCampaign, createChannel, createOffer } from './catalog-fixtures.ts';

const NOW = new Date('2025-06-15T12:00:00.000Z');

describe('CatalogQueryService', () => {
  let testApp: TestApp;
  let catalogQuery: CatalogQueryService;

  const keysOf = (campaigns: ActiveCampaign[]) => campaigns.map((campaign) => campaign.key);

  beforeAll(async () => {
    testApp = await createTestApp(catalogTestAppOptions);
    catalogQuery = testApp.app.get(CatalogQueryService);
    const api = () => testApp.api();

    await createChannel(testApp, { name: 'email', webhookUrl: 'http://127.0.0.1:9/email' });
    await createChannel(testApp, { name: 'push', webhookUrl: 'http://127.0.0.1:9/push' });
    await createChannel(testApp, { name: 'fax', webhookUrl: 'http://127.0.0.1:9/fax' });
    await createOffer(testApp, { name: 'email-a', channel: 'email', content: { subject: 'A' }, value: 4 });
    await createOffer(testApp, { name: 'email-b', channel: 'email', content: { subject: 'B' }, value: 0 });
    await createOffer(testApp, { name: 'push-a', channel: 'push', content: { title: 'Push' }, value: 1.5 });
    await createOffer(testApp, { name: 'fax-offer', channel: 'fax' });
    await createOffer(testApp, { name: 'retired', channel: 'email' });

    await createCampaign(testApp, { key: 'always', offers: ['email-a'] });
    await createCampaign(testApp, { key: 'future', offers: ['email-a'], startsAt: '2025-07-01T00:00:00Z' });
    await createCampaign(testApp, { key: 'ended', offers: ['email-a'], endsAt: '2025-06-01T00:00:00Z' });
    await createCampaign(testApp, { key: 'ends-now', offers: ['email-a'], endsAt: NOW.toISOString() });
    await createCampaign(testApp, { key: 'starts-now', offers: ['email-a'], startsAt: NOW.toISOString(), endsAt: '2025-07-01T00:00:00Z' });
    await createCampaign(testApp, { key: 'switched-off', offers: ['email-a'] });
    await createCampaign(testApp, { key: 'offer-retired', offers: ['retired'] });
    await createCampaign(testApp, { key: 'channel-off', offers: ['fax-offer'] });
    await createCampaign(testApp, {
      key: 'mixed',
      offers: ['push-a', 'fax-offer', 'email-b'],
      priority: 10,
      holdoutShare: 0.2,
      holdoutGroup: 'shared',
      rule: { '>=': [{ var: 'customer.engagement' }, 50] },
    });
    await createCampaign(testApp, { key: 'b-key', offers: ['email-b'], priority: 5, holdoutGroup: 'shared' });
    await createCampaign(testApp, { key: 'a-key', offers: ['email-b'], priority: 5 });
    await createCampaign(testApp, { key: 'ab', offers: ['email-a'], priority: 1 });
    await createCampaign(testApp, { key: 'a_b', offers: ['email-a'], priority: 1 });
    await createCampaign(testApp, { key: 'a-b', offers: ['email-a'], priority: 1 });

    expect((await api().delete('/v1/admin/campaigns/switched-off')).status).toBe(200);
    expect((await api().delete('/v1/admin/campaigns/b-key')).status).toBe(200);
    expect((await api().delete('/v1/admin/offers/retired')).status).toBe(200);
    expect((await api().delete('/v1/admin/channels/fax')).status).toBe(200);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('orders by priority, then key', async () => {
    const campaigns = await catalogQuery.findActiveCampaigns(NOW);

    // Code unit order puts '-' before '_' before letters, on every store.
    expect(keysOf(campaigns)).toEqual(['mixed', 'a-key', 'a-b', 'a_b', 'ab', 'always', 'starts-now']);
  });

  it('omits campaigns outside their window', async () => {
    const keys = keysOf(await catalogQuery.findActiveCampaigns(NOW));

    expect(keys).not.toContain('future');
    expect(keys).not.toContain('ended');
    expect(keys).not.toContain('ends-now');
    expect(keys).toContain('starts-now');
  });

  it('omits inactive and unsendable campaigns', async () => {
    const keys = keysOf(await catalogQuery.findActiveCampaigns(NOW));

    expect(keys).not.toContain('switched-off');
    expect(keys).not.toContain('b-key');
    expect(keys).not.toContain('offer-retired');
    expect(keys).not.toContain('channel-off');
  });

  it('returns fields and sendable offers', async () => {
    const campaigns = await catalogQuery.findActiveCampaigns(NOW);
    const mixed = campaigns.find((campaign) => campaign.key === 'mixed')!;

    expect(mixed).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      key: 'mixed',
      name: 'Welcome series',
      rule: { '>=': [{ var: 'customer.engagement' }, 50] },
      applicabilityRule: null,
      suitabilityRule: null,
      businessLever: 1,
      contextWeights: [],
      offerBudget: null,
      holdoutShare: 0.2,
      holdoutGroup: 'shared',
      priority: 10,
      offers: [
        {
          id: expect.any(String),
          name: 'email-b',
          value: 0,
          content: { subject: 'B' },
          channel: { id: expect.any(String), name: 'email', webhookUrl: 'http://127.0.0.1:9/email' },
        },
        {
          id: expect.any(String),
          name: 'push-a',
          value: 1.5,
          content: { title: 'Push' },
          channel: { id: expect.any(String), name: 'push', webhookUrl: 'http://127.0.0.1:9/push' },
        },
      ],
    });
  });

  it('filters offers by channel', async () => {
    const push = await catalogQuery.findActiveCampaigns(NOW, 'push');
    const email = await catalogQuery.findActiveCampaigns(NOW, 'email');
    const fax = await catalogQuery.findActiveCampaigns(NOW, 'fax');

    expect(keysOf(push)).toEqual(['mixed']);
    expect(push[0]!.offers.map((offer) => offer.name)).toEqual(['push-a']);
    expect(keysOf(email)).toEqual(['mixed', 'a-key', 'a-b', 'a_b', 'ab', 'always', 'starts-now']);
    expect(email[0]!.offers.map((offer) => offer.name)).toEqual(['email-b']);
    expect(fax).toEqual([]);
  });

  it('returns stored rules that evaluate', async () => {
    const [mixed] = await catalogQuery.findActiveCampaigns(NOW, 'push');
    const facts = {
      customer: {
        id: 'customer-1',
        attributes: {},
        engagement: 60,
        valence: null,
        emotion: null,
        stage: null,
        eventCount: 0,
        daysSinceLastEvent: null,
        emotionConfidence: 0,
        emotionTrend: null,
        events: emptyRecentEventCounts(),
        consent: {},
      },
      now: { hour: 12, weekday: 0 },
    };

    expect(evaluateEligibilityRule(mixed!.rule, facts)).toBe(true);
    expect(evaluateEligibilityRule(mixed!.rule, { ...facts, customer: { ...facts.customer, engagement: 49 } })).toBe(false);
  });

  it('finds a campaign by key', async () => {
    const campaign = await catalogQuery.findCampaignByKey('mixed');

    expect(campaign.key).toBe('mixed');
    expect(campaign.active).toBe(true);
    expect(campaign.startsAt).toBeNull();
    expect(campaign.offers.map((offer) => [offer.name, offer.active])).toEqual([
      ['email-b', true],
      ['fax-offer', true],
      ['push-a', true],
    ]);
  });

  it('finds an inactive campaign by key', async () => {
    const campaign = await catalogQuery.findCampaignByKey('switched-off');

    expect(campaign.active).toBe(false);
  });

  it('throws NotFoundError for an unknown key', async () => {
    const lookup = catalogQuery.findCampaignByKey('nope');

    await expect(lookup).rejects.toThrow(NotFoundError);
    await expect(catalogQuery.findCampaignByKey('nope')).rejects.toThrow("Campaign 'nope' was not found");
  });

  it('finds campaigns by holdout group', async () => {
    const shared = await catalogQuery.findCampaignsByHoldoutGroup('shared');
    const own = await catalogQuery.findCampaignsByHoldoutGroup('always');
    const none = await catalogQuery.findCampaignsByHoldoutGroup('nobody');

    expect(shared.map((campaign) => [campaign.key, campaign.active])).toEqual([
      ['b-key', false],
      ['mixed', true],
    ]);
    expect(own.map((campaign) => campaign.key)).toEqual(['always']);
    expect(none).toEqual([]);
  });
});

describe('CatalogService ensure methods', () => {
  let testApp: TestApp;
  let catalog: CatalogService;

  beforeAll(async () => {
    testApp = await createTestApp(catalogTestAppOptions);
    catalog = testApp.app.get(CatalogService);
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function validationProblems(operation: Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
    const error = await operation.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }

  it('ensureChannel keeps an existing row', async () => {
    const created = await catalog.ensureChannel({ name: 'email', webhookUrl: 'http://127.0.0.1:9/first' });
    const again = await catalog.ensureChannel({ name: 'email', webhookUrl: 'http://127.0.0.1:9/second' });

    expect(created.webhookUrl).toBe('http://127.0.0.1:9/first');
    expect(again.id).toBe(created.id);
    expect(again.webhookUrl).toBe('http://127.0.0.1:9/first');
    expect(again.updatedAt).toEqual(created.updatedAt);
  });

  it('ensureOffer keeps an existing row', async () => {
    const created = await catalog.ensureOffer({ name: 'welcome', channel: 'email', content: { subject: 'Hi' } });
    const again = await catalog.ensureOffer({ name: 'welcome', channel: 'email', content: { subject: 'Changed' }, value: 9 });

    expect(created.value).toBe(0);
    expect(again.id).toBe(created.id);
    expect(again.content).toEqual({ subject: 'Hi' });
    expect(again.value).toBe(0);
  });

  it('ensureCampaign keeps an existing row', async () => {
    const input = {
      key: 'importer-campaign',
      name: 'Imported',
      rule: { '<=': [{ var: 'customer.attributes.recency' }, 12] },
      offers: ['welcome'],
      holdoutShare: 0.5,
      holdoutGroup: 'imported-control',
      startsAt: '2008-03-01T00:00:00Z',
      endsAt: '2008-03-15T00:00:00Z',
    };

    const created = await catalog.ensureCampaign(input);
    const again = await catalog.ensureCampaign({ ...input, name: 'Renamed', holdoutShare: 0.1 });

    expect(created.startsAt).toEqual(new Date('2008-03-01T00:00:00Z'));
    expect(created.offers.map((offer) => offer.name)).toEqual(['welcome']);
    expect(again.id).toBe(created.id);
    expect(again.name).toBe('Imported');
    expect(again.holdoutShare).toBe(0.5);
  });

  it('returns an inactive row unchanged', async () => {
    await testApp.api().delete('/v1/admin/campaigns/importer-campaign');

    const again = await catalog.ensureCampaign({ key: 'importer-campaign', name: 'Imported', offers: ['welcome'], holdoutShare: 0.5 });

    expect(again.active).toBe(false);
  });

  it('creates one row under concurrent calls', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => catalog.ensureChannel({ name: 'push', webhookUrl: 'http://127.0.0.1:9/push' })),
    );

    expect(new Set(results.map((channel) => channel.id)).size).toBe(1);
    const listed = await testApp.api().get('/v1/admin/channels');
    expect(listed.body.channels.filter((channel: { name: string }) => channel.name === 'push')).toHaveLength(1);
  });

  it('validates input with relative paths', async () => {
    const channelProblems = await validationProblems(catalog.ensureChannel({ name: 'Bad Name', webhookUrl: 'ftp://x' }));
    const campaignProblems = await validationProblems(
      catalog.ensureCampaign({ key: 'bad', name: 'Bad', offers: ['welcome'], holdoutShare: 2, rule: { foo: [] } }),
    );

    expect(channelProblems.map((problem) => problem.path)).toEqual(['name', 'webhookUrl']);
    expect(campaignProblems.map((problem) => problem.path)).toEqual(['rule.foo', 'holdoutShare']);
  });

  it('applies the creation rules', async () => {
    const offerProblems = await validationProblems(catalog.ensureOffer({ name: 'orphan', channel: 'telegram', content: {} }));
    const campaignProblems = await validationProblems(
      catalog.ensureCampaign({ key: 'ghostly', name: 'Ghostly', offers: ['ghost'], holdoutShare: 0.1 }),
    );

    expect(offerProblems).toEqual([{ path: 'channel', message: "channel 'telegram' was not found; create it first" }]);
    expect(campaignProblems).toEqual([{ path: 'offers[0]', message: "offer 'ghost' was not found" }]);
    await expect(testApp.app.get(CatalogQueryService).findCampaignByKey('ghostly')).rejects.toThrow(NotFoundError);
  });
});
