import request from 'supertest';
import { buildPlacementIndex } from '#wayline/journey-definitions';
import { DEFAULT_STAGE_MAP, lookupByEventName, stageForEvent } from '#wayline/journeys';
import { createTestApp, waitFor, type TestApp } from '../support/test-app.ts';
import { createJourney, eventBody, firstProblem, journeyBody, stageBody } from './journey-fixtures.ts';

const SEEDED_KEYS = ['customer-lifecycle', 'insurance-claim', 'retail-purchase', 'telecom-support'];

describe('admin journeys API', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp();
    api = () => testApp.api();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('seeds four journeys in placement order', async () => {
    const response = await api().get('/v1/admin/journeys');

    expect(response.status).toBe(200);
    const journeys = response.body.journeys as Array<{ key: string; priority: number; active: boolean }>;
    expect(journeys.map((journey) => journey.key)).toEqual(SEEDED_KEYS);
    expect(journeys.map((journey) => journey.priority)).toEqual([100, 50, 50, 50]);
    expect(journeys.every((journey) => journey.active)).toBe(true);
  });

  it('seeds the lifecycle with the default stage map', async () => {
    const response = await api().get('/v1/admin/journeys/customer-lifecycle');

    expect(response.status).toBe(200);
    const stages = response.body.stages as Array<{ key: string; touchpoints: string[] }>;
    expect(stages.map((stage) => stage.key)).toEqual([
      'awareness', 'consideration', 'purchase', 'onboarding', 'usage', 'support', 'renewal', 'churn-risk',
    ]);
    const seeded = Object.fromEntries(stages.flatMap((stage) => stage.touchpoints.map((touchpoint) => [touchpoint, stage.key])));
    expect(seeded).toEqual(DEFAULT_STAGE_MAP.byTouchpoint);
  });

  it('keeps the default stages for events that name no journey', async () => {
    const seeded = await api().get('/v1/admin/journeys?active=true');
    const { index } = buildPlacementIndex(seeded.body.journeys);
    const types = [...Object.keys(DEFAULT_STAGE_MAP.byType), 'page_view', 'message'];
    const touchpoints = [...Object.keys(DEFAULT_STAGE_MAP.byTouchpoint), 'web_visit', 'email'];

    const changed: string[] = [];
    for (const type of types) {
      for (const touchpoint of touchpoints) {
        const placed = index.place({ touchpoint, typeStage: lookupByEventName(DEFAULT_STAGE_MAP.byType, type) ?? null });
        // A null stage leaves the default mapping in charge, which cannot differ from itself.
        const before = stageForEvent({ type, touchpoint });
        if (placed.stage !== null && placed.stage !== before) {
          changed.push(`${type} at ${touchpoint}: ${before} became ${placed.stage}`);
        }
      }
    }
    expect(changed).toEqual([]);
  });

  it('places a scored event on the lifecycle with its old stage', async () => {
    await api()
      .post('/v1/events')
      .send({ events: [
        eventBody('seed-1', new Date('2026-11-01T00:00:00Z'), 0, { type: 'purchase', touchpoint: 'call', channel: 'phone' }),
        eventBody('seed-1', new Date('2026-11-01T00:00:00Z'), 1, { touchpoint: 'web_visit' }),
      ] })
      .expect(202);

    const rows = await waitFor(async () => {
      const events = await testApp.stores.database.prisma.event.findMany({ where: { customerId: 'seed-1' }, orderBy: { occurredAt: 'asc' } });
      return events.every((event) => event.scoredAt !== null) ? events : undefined;
    }, 15_000, 'the events of seed-1 to be scored');
    expect(rows.map((event) => [event.journey, event.stage])).toEqual([
      ['customer-lifecycle', 'purchase'],
      [null, 'purchase'],
    ]);
  });

  it('creates a journey and reads it back', async () => {
    const created = await api().post('/v1/admin/journeys').send(journeyBody({ key: 'care-a' }));

    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['active', 'createdAt', 'id', 'key', 'name', 'priority', 'stages', 'updatedAt']);
    expect(created.body.stages).toEqual([
      { key: 'contact', name: 'Stage contact', touchpoints: ['care_call', 'care_chat'] },
      { key: 'resolved', name: 'Stage resolved', touchpoints: ['care_resolution'] },
    ]);
    const read = await api().get('/v1/admin/journeys/care-a');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('defaults the priority to 0', async () => {
    const { priority: _priority, ...body } = journeyBody({ key: 'care-default-priority' });

    const created = await api().post('/v1/admin/journeys').send(body);

    expect(created.status).toBe(201);
    expect(created.body.priority).toBe(0);
  });

  it('rejects a duplicate key with 409', async () => {
    await createJourney(testApp, { key: 'care-dup' });

    const response = await api().post('/v1/admin/journeys').send(journeyBody({ key: 'care-dup', name: 'Other' }));

    expect(response.status).toBe(409);
    expect(response.body.message).toContain("Journey 'care-dup' already exists");
  });

  it.each([
    ['a missing name', { name: undefined }, 'body.name'],
    ['a bad key', { key: 'Care Journey' }, 'body.key'],
    ['a string priority', { priority: '5' }, 'body.priority'],
    ['no stages', { stages: [] }, 'body.stages'],
    ['a touchpoint in two stages', { stages: [stageBody('a', ['x']), stageBody('b', ['x'])] }, 'body.stages[1].touchpoints[0]'],
    ['a repeated stage key', { stages: [stageBody('a', ['x']), stageBody('a', ['y'])] }, 'body.stages[1].key'],
    ['a stage without a name', { stages: [{ key: 'a', touchpoints: [] }] }, 'body.stages[0].name'],
  ])('rejects %s with 400 and stores nothing', async (_case, overrides, path) => {
    const response = await api().post('/v1/admin/journeys').send(journeyBody({ key: 'care-bad', ...overrides }));

    expect(firstProblem(response).path).toBe(path);
    expect((await api().get('/v1/admin/journeys/care-bad')).status).toBe(404);
  });

  it('updates the name, priority and stages', async () => {
    await createJourney(testApp, { key: 'care-patch' });

    const response = await api()
      .patch('/v1/admin/journeys/care-patch')
      .send({ name: 'Care, revised', priority: 7, stages: [stageBody('only', ['care_call'])] });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ key: 'care-patch', name: 'Care, revised', priority: 7 });
    expect(response.body.stages).toEqual([{ key: 'only', name: 'Stage only', touchpoints: ['care_call'] }]);
  });

  it('rejects a key change and bad stages on PATCH', async () => {
    await createJourney(testApp, { key: 'care-fixed' });

    expect(firstProblem(await api().patch('/v1/admin/journeys/care-fixed').send({ key: 'care-new' })).path).toBe('body.key');
    const badStages = await api().patch('/v1/admin/journeys/care-fixed').send({ stages: [stageBody('a', ['x', 'x'])] });
    expect(firstProblem(badStages).path).toBe('body.stages[0].touchpoints[1]');
    expect((await api().get('/v1/admin/journeys/care-fixed')).body.stages).toEqual(journeyBody().stages);
  });

  it('deactivates on DELETE and reactivates on PATCH', async () => {
    await createJourney(testApp, { key: 'care-off' });

    const deleted = await api().delete('/v1/admin/journeys/care-off');
    expect(deleted.status).toBe(200);
    expect(deleted.body.active).toBe(false);
    const inactive = await api().get('/v1/admin/journeys?active=false');
    expect(inactive.body.journeys.map((journey: { key: string }) => journey.key)).toContain('care-off');

    const reactivated = await api().patch('/v1/admin/journeys/care-off').send({ active: true });
    expect(reactivated.body.active).toBe(true);
  });

  it.each([
    ['get', '/v1/admin/journeys/nowhere'],
    ['patch', '/v1/admin/journeys/nowhere'],
    ['delete', '/v1/admin/journeys/nowhere'],
    ['get', '/v1/journeys/nowhere/map'],
    ['get', '/v1/journeys/nowhere/pain-points'],
    ['get', '/v1/journeys/nowhere/paths'],
  ] as const)('returns 404 for %s %s', async (method, path) => {
    const response = await api()[method](path).send(method === 'patch' ? { name: 'x' } : undefined);

    expect(response.status).toBe(404);
    expect(response.body.message).toBe("Journey 'nowhere' was not found");
  });

  it('rejects a key that is not a slug in the path', async () => {
    expect(firstProblem(await api().get('/v1/admin/journeys/Not%20A%20Key')).path).toBe('path.key');
    expect(firstProblem(await api().get('/v1/journeys/%00/map')).path).toBe('path.key');
  });

  it('rejects an unknown list filter', async () => {
    expect(firstProblem(await api().get('/v1/admin/journeys?active=maybe')).path).toBe('query.active');
  });

  describe('events that name a journey', () => {
    const base = new Date('2026-11-01T00:00:00Z');

    it('rejects an unknown journey on a single event', async () => {
      const response = await api().post('/v1/events').send(eventBody('named-1', base, 0, { touchpoint: 'care_call', journey: 'nowhere' }));

      const problem = firstProblem(response);
      expect(problem.path).toBe('body.journey');
      expect(problem.message).toContain("journey 'nowhere' was not found");
    });

    it('rejects an inactive journey in a batch and stores none of it', async () => {
      await createJourney(testApp, { key: 'care-retired' });
      await api().delete('/v1/admin/journeys/care-retired').expect(200);

      const response = await api()
        .post('/v1/events')
        .send({ events: [
          eventBody('named-2', base, 0, { touchpoint: 'care_call' }),
          eventBody('named-2', base, 1, { touchpoint: 'care_call', journey: 'care-retired' }),
        ] });

      const problem = firstProblem(response);
      expect(problem.path).toBe('body.events[1].journey');
      expect(problem.message).toContain('is inactive');
      expect(await testApp.stores.database.prisma.event.count({ where: { customerId: 'named-2' } })).toBe(0);
    });

    it('rejects a journey key that is not a slug', async () => {
      const response = await api().post('/v1/events').send(eventBody('named-3', base, 0, { touchpoint: 'care_call', journey: 'Care' }));

      expect(firstProblem(response).path).toBe('body.journey');
    });
  });
});
