import { ModelTrainingJob } from '../../apps/worker/src/jobs/model-training.job.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedExperiment } from './model-fixtures.ts';

describe('model training job', () => {
  let testApp: TestApp;
  let offerId: string;

  beforeAll(async () => {
    // The schedule is far away, so only the test's own ticks train.
    testApp = await createTestApp({ withWorker: true, env: { WAYLINE_MODEL_TRAINING_CRON: '0 0 0 1 1 *' } });
    const api = testApp.api();
    await api.post('/v1/admin/channels').send({ name: 'email', webhookUrl: 'http://127.0.0.1:9/email' }).expect(201);
    const offer = await api.post('/v1/admin/offers').send({ name: 'job-email', channel: 'email', content: { subject: 'Job' }, value: 0 }).expect(201);
    offerId = offer.body.id;
    const campaign = await api
      .post('/v1/admin/campaigns')
      .send({ key: 'job', name: 'Job', rule: { '>=': [{ var: 'customer.engagement' }, 0] }, offers: ['job-email'], holdoutShare: 0.5 })
      .expect(201);
    await seedExperiment(testApp, { offerId, campaignId: campaign.body.id, holdoutGroup: 'job' });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('stores both model versions on a tick', async () => {
    await testApp.app.get(ModelTrainingJob).tick();

    const prisma = testApp.stores.database.prisma;
    expect(await prisma.propensityModel.count({ where: { offerId } })).toBe(1);
    expect(await prisma.upliftModel.count({ where: { offerId } })).toBe(1);
  });

  it('skips a tick while another worker holds the lock', async () => {
    const lock = await testApp.stores.liveStore.tryLock('locks:model-training', 60_000);
    expect(lock).not.toBeNull();

    await testApp.app.get(ModelTrainingJob).tick();
    await lock!.release();

    const prisma = testApp.stores.database.prisma;
    expect(await prisma.propensityModel.count({ where: { offerId } })).toBe(1);
    expect(await prisma.upliftModel.count({ where: { offerId } })).toBe(1);
  });
});
