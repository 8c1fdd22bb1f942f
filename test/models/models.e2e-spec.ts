import { ModelTrainingService, PropensityService, seededRandom } from '#wayline/decisioning';
import { createRootLogger } from '#wayline/common';
import { PropensityModelRepository } from '../../libs/decisioning/src/propensity/propensity-model.repository.ts';
import { UpliftModelRepository } from '../../libs/decisioning/src/uplift/uplift-model.repository.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { features, HISTORY_AT, ROWS_PER_ARM, seedExperiment } from './model-fixtures.ts';

describe('propensity and uplift models', () => {
  let testApp: TestApp;
  let offerId: string;
  let campaignId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: 'http://127.0.0.1:9/email' }).expect(201);
    const offer = await api.post('/v1/admin/offers').send({ name: 'sale-email', channel: 'email', content: { subject: 'Sale' }, value: 0 }).expect(201);
    offerId = offer.body.id;
    const campaign = await api
      .post('/v1/admin/campaigns')
      .send({ key: 'sale', name: 'Sale', rule: { '>=': [{ var: 'customer.engagement' }, 0] }, offers: ['sale-email'], holdoutShare: 0.5 })
      .expect(201);
    campaignId = campaign.body.id;
    await seedExperiment(testApp, { offerId, campaignId, holdoutGroup: 'sale' });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('explores an offer without evidence', async () => {
    await testApp.stores.database.prisma.customer.create({ data: { id: 'explorer', attributes: { score: 0.5 } } });
    const api = testApp.api();
    await api.post('/v1/admin/offers').send({ name: 'new-email', channel: 'email', content: { subject: 'New' }, value: 0 }).expect(201);
    await api
      .post('/v1/admin/campaigns')
      .send({ key: 'new', name: 'New', rule: { '>=': [{ var: 'customer.engagement' }, 0] }, offers: ['new-email'], holdoutShare: 0.5 })
      .expect(201);

    const response = await api.get('/v1/customers/explorer/next-best-offer').query({ channel: 'email' });

    expect(response.status).toBe(200);
    const ranking = (response.body.reasons as Array<{ step: string; offer: string; source: string; explorationProbability: number }>).filter(
      (reason) => reason.step === 'ranking',
    );
    expect(ranking.find((reason) => reason.offer === 'new-email')?.source).toBe('exploration');
    // sale-email has 600 treated decisions but no model yet, so it scores its posterior mean.
    expect(ranking.find((reason) => reason.offer === 'sale-email')?.source).toBe('prior');
    const total = ranking.reduce((sum, reason) => sum + reason.explorationProbability, 0);
    expect(total).toBeCloseTo(1, 10);
    expect(response.body.score.explorationProbability).toBeGreaterThan(0);
  });

  it('trains both models with metrics and a data window', async () => {
    // The synthetic experiment plus the live decision of the exploration test.
    const prisma = testApp.stores.database.prisma;
    const treated = await prisma.decision.count({ where: { offerId, arm: 'treatment' } });
    const control = await prisma.decision.count({ where: { offerId, arm: 'control' } });

    const summaries = await testApp.app.get(ModelTrainingService).trainAll();
    const summary = summaries.find((entry) => entry.offerId === offerId)!;

    expect(treated + control).toBe(2 * ROWS_PER_ARM + 1);
    expect(summary.trained).toBe(true);
    expect(summary.uplift.trained).toBe(true);
    expect(summary.uplift.treatedSize).toBe(treated);
    expect(summary.uplift.controlSize).toBe(control);
    expect(summary.uplift.metrics?.qini).toBeGreaterThan(0.2);
    expect(summary.uplift.metrics?.upliftAt30).toBeGreaterThan(0.15);
    expect(summaries.find((entry) => entry.offerName === 'new-email')).toBeUndefined();
  });

  it('lists model versions with their metrics', async () => {
    const latest = await testApp.stores.database.prisma.decision.findFirstOrThrow({ where: { offerId, arm: 'treatment' }, orderBy: { createdAt: 'desc' } });

    const response = await testApp.api().get('/v1/models');

    expect(response.status).toBe(200);
    const sale = response.body.offers.find((entry: { offer: { name: string } }) => entry.offer.name === 'sale-email');
    expect(sale.propensity).toHaveLength(1);
    expect(sale.propensity[0].modelVersion).toBe(`${offerId}@1`);
    expect(sale.propensity[0].metrics.validationAuc).toBeGreaterThan(0.5);
    expect(sale.propensity[0].metrics.calibration.brierScore).toBeGreaterThan(0);
    expect(sale.propensity[0].dataWindow).toEqual({ from: HISTORY_AT.toISOString(), to: latest.createdAt.toISOString() });
    expect(sale.uplift[0].sampleSizes.treated + sale.uplift[0].sampleSizes.control).toBe(2 * ROWS_PER_ARM + 1);
    expect(sale.uplift[0].metrics.outcome).toBe('conversion');
    expect(typeof sale.uplift[0].metrics.qini).toBe('number');
    expect(typeof sale.uplift[0].metrics.upliftAt30).toBe('number');
  });

  it('lists the versions of one offer', async () => {
    await testApp.app.get(ModelTrainingService).trainOffer(offerId);

    const response = await testApp.api().get('/v1/models/sale-email').query({ limit: 1 });

    expect(response.status).toBe(200);
    expect(response.body.propensity.map((model: { version: number }) => model.version)).toEqual([2]);
    expect(response.body.uplift.map((model: { version: number }) => model.version)).toEqual([2]);
  });

  it('reads latest models and counts through SQL', async () => {
    const prisma = testApp.stores.database.prisma;
    const propensityModels = testApp.app.get(PropensityModelRepository);
    const upliftModels = testApp.app.get(UpliftModelRepository);
    const newOffer = await prisma.offer.findUniqueOrThrow({ where: { name: 'new-email' } });
    const since = new Date(HISTORY_AT.getTime() + 600_000);

    const latestPropensity = await propensityModels.findLatest([offerId, newOffer.id]);
    const latestUplift = await upliftModels.findLatest([offerId, newOffer.id]);
    const treatedAll = await propensityModels.countTreatedConversions([{ offerId, since: null }]);
    const treatedSince = await propensityModels.countTreatedConversions([{ offerId, since }]);
    const control = await propensityModels.countControlConversions([{ offerId, since: null }, { offerId: newOffer.id, since: null }]);

    // Prisma reads the same rows: the model versions through the client, the counts with filters.
    const [propensityVersion] = await propensityModels.findVersions(offerId);
    const [upliftVersion] = await upliftModels.findVersions(offerId);
    const converted = { outcomes: { some: { type: 'conversion' } } };
    const treatedWhere = { offerId, arm: 'treatment' };
    const controlWhere = { arm: 'control', OR: [{ offerId }, { offerId: null, holdoutGroup: 'sale' }] };
    expect([...latestPropensity.keys()]).toEqual([offerId]);
    expect(latestPropensity.get(offerId)).toEqual(propensityVersion);
    expect(latestPropensity.get(offerId)!.trainedAt).toBeInstanceOf(Date);
    expect(latestPropensity.get(offerId)!.dataTo).toBeInstanceOf(Date);
    expect(typeof latestPropensity.get(offerId)!.coefficients[0]).toBe('number');
    expect([...latestUplift.keys()]).toEqual([offerId]);
    expect(latestUplift.get(offerId)).toEqual(upliftVersion);
    expect(treatedAll.get(offerId)).toEqual({
      decisions: await prisma.decision.count({ where: treatedWhere }),
      conversions: await prisma.decision.count({ where: { ...treatedWhere, ...converted } }),
    });
    expect(treatedSince.get(offerId)).toEqual({
      decisions: await prisma.decision.count({ where: { ...treatedWhere, createdAt: { gt: since } } }),
      conversions: await prisma.decision.count({ where: { ...treatedWhere, createdAt: { gt: since }, ...converted } }),
    });
    expect(treatedSince.get(offerId)!.decisions).toBeLessThan(treatedAll.get(offerId)!.decisions);
    expect(control.get(offerId)).toEqual({
      decisions: await prisma.decision.count({ where: controlWhere }),
      conversions: await prisma.decision.count({ where: { ...controlWhere, ...converted } }),
    });
    expect(control.get(newOffer.id)).toEqual({
      decisions: await prisma.decision.count({ where: { arm: 'control', OR: [{ offerId: newOffer.id }, { offerId: null, holdoutGroup: 'new' }] } }),
      conversions: 0,
    });
  });

  it('rejects an unknown offer and a bad limit', async () => {
    const api = testApp.api();

    const unknown = await api.get('/v1/models/no-such-offer');
    expect(unknown.status).toBe(404);
    const badLimit = await api.get('/v1/models/sale-email').query({ limit: 0 });
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(badLimit.body)).toContain('query.limit');
  });

  it('records the model versions on the decision', async () => {
    const prisma = testApp.stores.database.prisma;
    await prisma.customer.create({ data: { id: 'responder', attributes: { score: 0.8 } } });
    await testApp.api().patch('/v1/admin/campaigns/new').send({ active: false }).expect(200);

    const response = await testApp.api().get('/v1/customers/responder/next-best-offer').query({ channel: 'email' });

    expect(response.status).toBe(200);
    expect(response.body.score.source).toBe('model');
    expect(response.body.score.modelVersion).toBe(`${offerId}@2`);
    expect(response.body.score.upliftModelVersion).toBe(`${offerId}@2`);
    expect(response.body.score.uplift).toBeGreaterThan(0.15);
    expect(response.body.score.explorationProbability).toBe(1);
    const decision = await prisma.decision.findUniqueOrThrow({ where: { id: response.body.decisionId } });
    expect(decision.modelVersion).toBe(`${offerId}@2`);
    expect(decision.upliftModelVersion).toBe(`${offerId}@2`);
    expect(decision.scoreSource).toBe('model');
    expect(decision.uplift).toBeCloseTo(response.body.score.uplift, 12);
    expect(decision.explorationProbability).toBe(1);
  });

  it('predicts a higher uplift where the offer works', async () => {
    const propensity = testApp.app.get(PropensityService);

    const [positive] = await propensity.scoreOffers([offerId], features(0.8));
    const [negative] = await propensity.scoreOffers([offerId], features(-0.8));

    expect(positive!.uplift).toBeGreaterThan(negative!.uplift + 0.15);
  });

  it('moves the probability with outcomes since training', async () => {
    const prisma = testApp.stores.database.prisma;
    const propensity = testApp.app.get(PropensityService);
    const [before] = await propensity.scoreOffers([offerId], features(-0.5));

    // 200 new treated decisions after the data window, every one converted.
    const now = new Date();
    for (let i = 0; i < 200; i++) {
      await prisma.customer.create({ data: { id: `later-${i}`, attributes: { score: -0.5 } } });
    }
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        prisma.decision.create({
          data: { customerId: `later-${i}`, campaignId, holdoutGroup: 'sale', arm: 'treatment', offerId, features: features(-0.5) as object, createdAt: now },
        }),
      ),
    );
    await prisma.outcome.createMany({
      data: decisions.map((decision) => ({ decisionId: decision.id, customerId: decision.customerId, campaignId, type: 'conversion', occurredAt: now })),
    });
    // Counts are shared by the decisions of TREATED_COUNTS_TTL_MS; dropping them replaces waiting that long.
    propensity.forgetModels();
    const [after] = await propensity.scoreOffers([offerId], features(-0.5));

    expect(after!.modelVersion).toBe(before!.modelVersion);
    expect(after!.probability).toBeGreaterThan(before!.probability + 0.05);
  });

  it('draws the same exploration with the same seed', async () => {
    const logger = createRootLogger('silent');
    const repositories = [testApp.app.get(PropensityModelRepository), testApp.app.get(UpliftModelRepository)] as const;
    const newOffer = await testApp.stores.database.prisma.offer.findUniqueOrThrow({ where: { name: 'new-email' } });
    const first = new PropensityService(...repositories, logger, seededRandom(5));
    const second = new PropensityService(...repositories, logger, seededRandom(5));

    const a = await first.scoreOffers([newOffer.id, offerId], features(0.1));
    const b = await second.scoreOffers([newOffer.id, offerId], features(0.1));

    expect(a[0]!.source).toBe('exploration');
    expect(a).toEqual(b);
  });

  it('shares exploration probabilities between customers', async () => {
    const api = testApp.api();
    const prisma = testApp.stores.database.prisma;
    for (const name of ['explore-a', 'explore-b']) {
      await api.post('/v1/admin/offers').send({ name, channel: 'email', content: { subject: name }, value: 0 }).expect(201);
    }
    const offers = await prisma.offer.findMany({ where: { name: { in: ['explore-a', 'explore-b'] } }, orderBy: { name: 'asc' } });
    const service = new PropensityService(testApp.app.get(PropensityModelRepository), testApp.app.get(UpliftModelRepository), createRootLogger('silent'), seededRandom(11));
    const offerIds = offers.map((offer) => offer.id);

    const first = await service.scoreOffers(offerIds, features(0.1));
    const second = await service.scoreOffers(offerIds, features(-0.8));

    expect(first.map((score) => score.source)).toEqual(['exploration', 'exploration']);
    expect(second.map((score) => score.explorationProbability)).toEqual(first.map((score) => score.explorationProbability));
    expect(second.map((score) => score.probability)).not.toEqual(first.map((score) => score.probability));
  });
});
