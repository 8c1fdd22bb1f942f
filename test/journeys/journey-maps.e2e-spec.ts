import request from 'supertest';
import { newcombeDifferenceInterval } from '#wayline/experiments';
import { SseClient } from '../support/sse-client.ts';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { createJourney, eventBody, firstProblem, stageBody } from './journey-fixtures.ts';

/**
 * Five hand-built customers on a journey of their own, with every expected number worked
 * out by hand below. Ratings fix each event's valence: 1 star is -1 (angry), 2 is -0.5
 * (frustrated), 3 is 0 (neutral), 4 is 0.5 (satisfied), 5 is 1 (delighted). A `purchase`
 * event without rating is 0.3 (satisfied) and a `cancellation` -0.6 (frustrated). Waits stay
 * at or below the 120 s threshold, so they do not change a valence.
 */
const JOURNEY = 'shop-test';
const DAY = 86_400_000;

describe('journey maps, pain points and paths', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;
  let feed: SseClient;
  // Thirty days ago, so the conversion outcome recorded now comes after every event.
  const base = new Date(Math.floor((Date.now() - 30 * DAY) / DAY) * DAY);
  const at = (day: number) => new Date(base.getTime() + day * DAY).toISOString();

  const gold = { tier: 'gold' };
  const silver = { tier: 'silver', vip: true };
  const visit = (customerId: string, day: number, touchpoint: string, extra: Record<string, unknown> = {}) =>
    eventBody(customerId, base, day, { touchpoint, ...extra });

  const events = [
    visit('c1', 1, 'ad', { rating: 5, attributes: gold }),
    visit('c1', 2, 'browse', { rating: 4, waitSeconds: 30 }),
    visit('c1', 3, 'pay', { type: 'purchase', value: 80 }),

    visit('c2', 1, 'ad', { rating: 1, attributes: gold }),
    visit('c2', 2, 'browse', { rating: 2, waitSeconds: 90 }),
    visit('c2', 3, 'helpdesk', { rating: 2, waitSeconds: 60 }),
    visit('c2', 4, 'cancel_form', { type: 'cancellation' }),

    visit('c3', 1, 'ad', { rating: 3, attributes: silver }),
    visit('c3', 2, 'ad', { rating: 5 }),
    visit('c3', 3, 'pay', { type: 'purchase', value: 20 }),
    // Named journey and stage, at a touchpoint the journey does not list.
    visit('c3', 4, 'newsletter', { journey: JOURNEY, stage: 'awareness', channel: 'email' }),

    visit('c4', 1, 'browse', { attributes: silver }),
    visit('c4', 2, 'compare', { rating: 4, waitSeconds: 120 }),
    visit('c4', 3, 'browse', { rating: 1 }),

    visit('c5', 1, 'helpdesk', { rating: 1, waitSeconds: 100 }),
    // A stage the journey does not define.
    visit('c5', 2, 'helpdesk', { rating: 1, stage: 'escalated' }),
  ];

  beforeAll(async () => {
    testApp = await createTestApp();
    api = () => testApp.api();

    await createJourney(testApp, {
      key: JOURNEY,
      name: 'Shop test',
      priority: 500,
      stages: [
        stageBody('awareness', ['ad', 'referral_link']),
        stageBody('consideration', ['browse', 'compare']),
        stageBody('purchase', ['pay']),
        stageBody('support', ['helpdesk']),
        stageBody('churn-risk', ['cancel_form']),
      ],
    });
    // A lower-priority journey that shares `helpdesk`, and one that wins `browse` only when named.
    await createJourney(testApp, { key: 'help-low', priority: 1, stages: [stageBody('ticket', ['helpdesk', 'faq'])] });
    await createJourney(testApp, { key: 'browse-named', priority: 0, stages: [stageBody('look', ['browse'])] });

    // c4 converts through a campaign: a control decision (holdout 1) and an outcome now.
    await api().post('/v1/admin/channels').send({ name: 'email', webhookUrl: 'http://127.0.0.1:9/email' }).expect(201);
    await api().post('/v1/admin/offers').send({ name: 'voucher', channel: 'email', content: { subject: 'Hi' } }).expect(201);
    await api()
      .post('/v1/admin/campaigns')
      .send({ key: 'winback', name: 'Winback', offers: ['voucher'], holdoutShare: 1 })
      .expect(201);

    const opened = await SseClient.open(`${testApp.url}/v1/feed?journey=${JOURNEY}`, testApp.adminKey);
    expect(opened.status).toBe(200);
    feed = opened.client;

    await api().post('/v1/events').send({ events }).expect(202);
    await api()
      .post('/v1/events')
      .send({ events: [
        visit('p1', 1, 'helpdesk'),
        visit('p1', 2, 'faq'),
        visit('p1', 3, 'browse', { journey: 'browse-named' }),
        visit('p1', 4, 'web_visit'),
      ] })
      .expect(202);
    await waitFor(async () => {
      const unscored = await testApp.stores.database.prisma.event.count({ where: { scoredAt: null } });
      return unscored === 0 ? true : undefined;
    }, 20_000, 'every event to be scored');

    await api().get('/v1/customers/c4/next-best-offer?channel=email').expect(200);
    await api().post('/v1/outcomes').send({ customerId: 'c4', campaign: 'winback', type: 'conversion' }).expect(201);
  });

  afterAll(async () => {
    await feed.close();
    await testApp.close();
  });

  describe('placement', () => {
    async function placements(customerId: string) {
      const rows = await testApp.stores.database.prisma.event.findMany({
        where: { customerId },
        orderBy: [{ occurredAt: 'asc' }, { sequence: 'asc' }],
      });
      return rows.map((row) => [row.touchpoint, row.journey, row.stage]);
    }

    it('places by the highest priority, a named journey, or nothing', async () => {
      expect(await placements('p1')).toEqual([
        ['helpdesk', JOURNEY, 'support'],
        ['faq', 'help-low', 'ticket'],
        ['browse', 'browse-named', 'look'],
        ['web_visit', null, 'look'],
      ]);
    });

    it('keeps an event stage and a named journey', async () => {
      expect(await placements('c3')).toEqual([
        ['ad', JOURNEY, 'awareness'],
        ['ad', JOURNEY, 'awareness'],
        ['pay', JOURNEY, 'purchase'],
        ['newsletter', JOURNEY, 'awareness'],
      ]);
      expect((await placements('c5'))[1]).toEqual(['helpdesk', JOURNEY, 'escalated']);
    });

    it('sends the journey on the live feed', async () => {
      const scored = await waitFor(
        async () => feed.events.find((received) => (received.data as { customerId?: string }).customerId === 'c2' && received.type === 'event.scored'),
        10_000,
        'a scored event of c2 on the feed',
      );
      expect(scored.data).toMatchObject({ journey: JOURNEY });
      const changed = feed.events.find((received) => received.type === 'customer.changed');
      expect(changed?.data).toMatchObject({ journey: JOURNEY });
    });
  });

  describe('GET /v1/journeys/:key/map', () => {
    it('computes every cell of the hand-built customers', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/map`);

      expect(response.status).toBe(200);
      const map = response.body;
      expect(map.journey).toEqual({ key: JOURNEY, name: 'Shop test', active: true });
      expect(map.filters).toEqual({ segment: [], from: null, to: null });
      // c1 3, c2 4, c3 4 and c5 2 events; p1's helpdesk visit is here too.
      expect(map.totals).toEqual({ events: 17, customers: 6 });
      expect(map.stages.map((stage: { key: string }) => stage.key)).toEqual(['awareness', 'consideration', 'purchase', 'support', 'churn-risk']);

      const [awareness, consideration, purchase, support, churnRisk] = map.stages;
      // ad: +1, -1, 0, +1 by c1, c2, c3, c3; each customer later reached consideration or purchase.
      expect(awareness).toMatchObject({ events: 5, customers: 3, conversion: { customers: 3, converted: 3, rate: 1 } });
      expect(awareness.touchpoints).toEqual([
        {
          touchpoint: 'ad', defined: true, events: 4, customers: 3, meanValence: 0.25, negativeShare: 0.25,
          waitSeconds: { p50: null, p90: null }, conversion: { customers: 3, converted: 3, rate: 1 },
        },
        {
          touchpoint: 'referral_link', defined: true, events: 0, customers: 0, meanValence: null, negativeShare: null,
          waitSeconds: { p50: null, p90: null }, conversion: { customers: 0, converted: 0, rate: null },
        },
        {
          touchpoint: 'newsletter', defined: false, events: 1, customers: 1, meanValence: null, negativeShare: null,
          waitSeconds: { p50: null, p90: null }, conversion: { customers: 1, converted: 0, rate: 0 },
        },
      ]);

      // browse: +0.5 (wait 30), -0.5 (wait 90), no evidence, -1; c4 never moves past consideration.
      expect(consideration).toMatchObject({ events: 5, customers: 3, conversion: { customers: 3, converted: 2 } });
      const [browse, compare] = consideration.touchpoints;
      expect(browse).toMatchObject({ touchpoint: 'browse', events: 4, customers: 3, conversion: { customers: 3, converted: 2 } });
      expect(browse.meanValence).toBeCloseTo(-1 / 3, 12);
      expect(browse.negativeShare).toBeCloseTo(2 / 3, 12);
      // percentile_cont over [30, 90]: 30 + 0.5 * 60 and 30 + 0.9 * 60.
      expect(browse.waitSeconds.p50).toBeCloseTo(60, 9);
      expect(browse.waitSeconds.p90).toBeCloseTo(84, 9);
      expect(compare).toMatchObject({
        events: 1, customers: 1, meanValence: 0.5, negativeShare: 0,
        waitSeconds: { p50: 120, p90: 120 }, conversion: { customers: 1, converted: 0, rate: 0 },
      });

      // pay: two purchases (0.3 each); neither customer reaches support or churn-risk afterwards.
      expect(purchase.touchpoints[0]).toMatchObject({
        touchpoint: 'pay', events: 2, customers: 2, negativeShare: 0, conversion: { customers: 2, converted: 0, rate: 0 },
      });
      expect(purchase.touchpoints[0].meanValence).toBeCloseTo(0.3, 12);

      // helpdesk: c2 (-0.5, wait 60) goes on to cancel; c5 (-1, wait 100) and p1 (no evidence) do not.
      expect(support).toMatchObject({ events: 3, customers: 3, conversion: { customers: 3, converted: 1 } });
      expect(support.touchpoints[0]).toMatchObject({ meanValence: -0.75, negativeShare: 1, waitSeconds: { p50: 80 } });
      expect(support.touchpoints[0].waitSeconds.p90).toBeCloseTo(96, 9);

      expect(churnRisk).toMatchObject({ events: 1, customers: 1, conversion: null });
      expect(churnRisk.touchpoints[0]).toMatchObject({ touchpoint: 'cancel_form', meanValence: -0.6, negativeShare: 1, conversion: null });

      expect(map.otherStages).toEqual([{ stage: 'escalated', events: 1, customers: 1 }]);
    });

    it('filters by a segment', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/map?segment=tier:gold`);

      expect(response.status).toBe(200);
      expect(response.body.filters.segment).toEqual([{ attribute: 'tier', value: 'gold' }]);
      expect(response.body.totals).toEqual({ events: 7, customers: 2 });
      const ad = response.body.stages[0].touchpoints[0];
      expect(ad).toMatchObject({ events: 2, customers: 2, meanValence: 0, negativeShare: 0.5 });
    });

    it('combines segment conditions and compares booleans as text', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/map?segment=tier:silver&segment=vip:true`);

      expect(response.body.totals).toEqual({ events: 7, customers: 2 });
      const none = await api().get(`/v1/journeys/${JOURNEY}/map?segment=tier:gold&segment=vip:true`);
      expect(none.body.totals).toEqual({ events: 0, customers: 0 });
    });

    it('limits the events to the window', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/map`).query({ from: at(1.5), to: at(2.5) });

      expect(response.status).toBe(200);
      // Only day 2: c1 and c2 browse, c3 ad, c4 compare, c5 escalated, p1 faq (not on this journey).
      expect(response.body.totals).toEqual({ events: 5, customers: 5 });
      const browse = response.body.stages[1].touchpoints[0];
      expect(browse.conversion).toEqual({ customers: 2, converted: 0, rate: 0 });
    });

    it.each([
      ['segment=gold', 'query.segment'],
      ['segment=tier:gold&segment=bad', 'query.segment[1]'],
      ['from=yesterday', 'query.from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
      ['stage=awareness', 'query'],
    ])('rejects %s with 400', async (query, path) => {
      expect(firstProblem(await api().get(`/v1/journeys/${JOURNEY}/map?${query}`)).path).toBe(path);
    });
  });

  describe('GET /v1/journeys/:key/pain-points', () => {
    it('ranks touchpoints by the conversion gap', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/pain-points?minCustomers=1`);

      expect(response.status).toBe(200);
      const body = response.body;
      expect(body.thresholds).toEqual({ badAtMost: -0.25, goodAtLeast: 0.25 });
      expect(body.minCustomers).toBe(1);
      expect(body.ranked.map((view: { touchpoint: string }) => view.touchpoint)).toEqual(['ad', 'browse']);

      // ad: good c1 (+1) and c3 (+1 on its second visit) both buy later; bad c2 (-1) buys nothing and cancels.
      const [ad, browse] = body.ranked;
      expect(ad).toMatchObject({
        touchpoint: 'ad', stage: 'awareness', rank: 1, churnRank: 1,
        bad: { customers: 1, converted: 0, conversionRate: 0, churned: 1, churnRate: 1 },
        good: { customers: 2, converted: 2, conversionRate: 1, churned: 0, churnRate: 0 },
        conversionGap: { difference: 1, interval95: newcombeDifferenceInterval({ successes: 2, n: 2 }, { successes: 0, n: 1 }) },
        churnGap: { difference: 1, interval95: newcombeDifferenceInterval({ successes: 1, n: 1 }, { successes: 0, n: 2 }) },
        momentOfTruth: false,
      });
      expect(ad.badShare).toBeCloseTo(1 / 3, 12);

      // browse: good c1 buys; bad c2 churns, bad c4 (first clear visit -1 on day 3) converts by outcome.
      expect(browse).toMatchObject({
        rank: 2, churnRank: 2,
        bad: { customers: 2, converted: 1, conversionRate: 0.5, churned: 1, churnRate: 0.5 },
        good: { customers: 1, converted: 1, conversionRate: 1, churned: 0, churnRate: 0 },
        conversionGap: { difference: 0.5 },
        churnGap: { difference: 0.5 },
      });

      expect(body.insufficientData.map((view: { touchpoint: string }) => view.touchpoint)).toEqual([
        'referral_link', 'compare', 'pay', 'helpdesk', 'cancel_form',
      ]);
      const helpdesk = body.insufficientData.find((view: { touchpoint: string }) => view.touchpoint === 'helpdesk');
      expect(helpdesk.bad).toMatchObject({ customers: 2, churned: 1 });
      expect(helpdesk.good.customers).toBe(0);
    });

    it('lists everything as insufficient below the default minimum', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/pain-points`);

      expect(response.body.minCustomers).toBe(10);
      expect(response.body.ranked).toEqual([]);
      expect(response.body.insufficientData[0].reason).toBe(
        'needs at least 10 customers with a bad and 10 with a good experience; has 1 and 2',
      );
    });

    it('leaves out outcomes after the window', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/pain-points`).query({ minCustomers: 1, to: at(10) });

      const browse = response.body.ranked.find((view: { touchpoint: string }) => view.touchpoint === 'browse');
      expect(browse.bad).toMatchObject({ customers: 2, converted: 0 });
    });

    it('rejects a bad minimum', async () => {
      expect(firstProblem(await api().get(`/v1/journeys/${JOURNEY}/pain-points?minCustomers=0`)).path).toBe('query.minCustomers');
    });
  });

  describe('GET /v1/journeys/:key/paths', () => {
    it('counts collapsed stage sequences with their conversion', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/paths`);

      expect(response.status).toBe(200);
      expect(response.body.customers).toBe(6);
      expect(response.body.distinctPaths).toBe(6);
      // Each path has one customer, so the order is by the stage names. c1, c3 (purchase) and c4 (outcome) converted.
      expect(response.body.paths.map((path: { stages: string[]; converted: number }) => [path.stages, path.converted])).toEqual([
        [['awareness', 'consideration', 'purchase'], 1],
        [['awareness', 'consideration', 'support', 'churn-risk'], 0],
        [['awareness', 'purchase', 'awareness'], 1],
        [['consideration'], 1],
        [['support'], 0],
        [['support', 'escalated'], 0],
      ]);
      expect(response.body.paths[0]).toMatchObject({ customers: 1, conversionRate: 1 });
      expect(response.body.paths[0].share).toBeCloseTo(1 / 6, 12);
      expect(response.body.forkRule).toEqual({ minRouteShare: 0.2, minRouteCustomers: 5 });
      expect(response.body.forks).toEqual([]);
    });

    it('applies the limit', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/paths?limit=2`);

      expect(response.body.paths).toHaveLength(2);
      expect(response.body.distinctPaths).toBe(6);
    });

    it('splits a fork into routes, each with its own map', async () => {
      const response = await api().get(`/v1/journeys/${JOURNEY}/paths?minRouteCustomers=1`);

      // From awareness, c1 and c2 moved to consideration and c3 to purchase. support moved on only to escalated.
      expect(response.body.forks).toHaveLength(1);
      const [fork] = response.body.forks;
      expect(fork).toMatchObject({ firstStage: 'awareness', customers: 3, movedOn: 3 });
      expect(fork.routes.map((route: { secondStage: string; customers: number; converted: number }) =>
        [route.secondStage, route.customers, route.converted])).toEqual([
        ['consideration', 2, 1],
        ['purchase', 1, 1],
      ]);
      expect(fork.routes[0].share).toBeCloseTo(2 / 3, 12);

      const viaConsideration = fork.routes[0].map;
      expect(viaConsideration.totals).toEqual({ events: 7, customers: 2 });
      expect(viaConsideration.stages[1].touchpoints[0]).toMatchObject({ events: 2, meanValence: 0, waitSeconds: { p50: 60 } });
      const viaPurchase = fork.routes[1].map;
      expect(viaPurchase.totals).toEqual({ events: 4, customers: 1 });
      expect(viaPurchase.stages[0].touchpoints[0]).toMatchObject({ events: 2, meanValence: 0.5, negativeShare: 0 });
    });

    it.each([
      ['limit=0', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['minRouteCustomers=-2', 'query.minRouteCustomers'],
    ])('rejects %s with 400', async (query, path) => {
      expect(firstProblem(await api().get(`/v1/journeys/${JOURNEY}/paths?${query}`)).path).toBe(path);
    });
  });
});
