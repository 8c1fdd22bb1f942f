import { assignArm, GLOBAL_CONTROL_GROUP } from '#wayline/decisioning';
import { createCampaign, createChannel, createOffer, nextBestOffer, seedCustomers } from '../decisioning/decisioning-fixtures.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

interface AssignmentReason {
  step: string;
  arm: string;
  holdoutShare: number;
  origin: string;
  globalControl: boolean;
}

function assignmentReason(body: { reasons: AssignmentReason[] }): AssignmentReason {
  return body.reasons.find((reason) => reason.step === 'assignment')!;
}

describe('holdout assignment', () => {
  let testApp: TestApp;
  const customers = Array.from({ length: 40 }, (_, i) => `sticky-${i}`);

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    await createChannel(testApp);
    await createOffer(testApp, 'voucher', 10);
    await seedCustomers(testApp.stores.database.prisma, customers.map((id) => ({ id })));
    await createCampaign(testApp, { key: 'sticky', offers: ['voucher'], holdoutShare: 0.5 });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('keeps every customer in their arm when the share is edited', async () => {
    const first = new Map<string, string>();
    for (const customer of customers) {
      const response = await nextBestOffer(testApp, customer);
      first.set(customer, response.body.arm);
      expect(assignmentReason(response.body)).toMatchObject({ origin: 'drawn', holdoutShare: 0.5, globalControl: false });
      expect(response.body.arm).toBe(assignArm('sticky', customer, 0.5));
    }
    expect([...first.values()]).toContain('control');
    expect([...first.values()]).toContain('treatment');

    for (const share of [0, 1]) {
      await testApp.api().patch('/v1/admin/campaigns/sticky').send({ holdoutShare: share }).expect(200);
      for (const customer of customers) {
        const response = await nextBestOffer(testApp, customer);

        expect(response.body.arm).toBe(first.get(customer));
        expect(assignmentReason(response.body)).toMatchObject({ origin: 'stored', holdoutShare: 0.5 });
      }
    }
  });

  it('stores one assignment per customer and group', async () => {
    const rows = await testApp.stores.database.prisma.holdoutAssignment.findMany({ where: { holdoutGroup: 'sticky' } });

    expect(rows).toHaveLength(customers.length);
    expect(rows.every((row) => row.holdoutShare === 0.5 && row.salt === 'sticky')).toBe(true);
  });

  it('draws new customers with the share in force', async () => {
    await testApp.api().patch('/v1/admin/campaigns/sticky').send({ holdoutShare: 1 }).expect(200);
    await seedCustomers(testApp.stores.database.prisma, [{ id: 'newcomer' }]);

    const response = await nextBestOffer(testApp, 'newcomer');

    expect(response.body.arm).toBe('control');
    expect(assignmentReason(response.body)).toMatchObject({ origin: 'drawn', holdoutShare: 1 });
  });

  it('tests the split against the shares stored at assignment', async () => {
    const response = await testApp.api().get('/v1/reports/uplift?campaign=sticky');

    // 40 customers drawn at 0.5 and one at 1.
    expect(response.body.sampleRatioMismatch.expectedControlShare).toBeCloseTo((40 * 0.5 + 1) / 41, 12);
    expect(response.body.crossovers).toBe(0);
  });
});

describe('global control group', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_GLOBAL_CONTROL_SHARE: '1', WAYLINE_GLOBAL_CONTROL_SALT: 'house' } });
    await createChannel(testApp);
    await createOffer(testApp, 'voucher', 10);
    await seedCustomers(testApp.stores.database.prisma, [{ id: 'held-1' }, { id: 'held-2' }]);
    await createCampaign(testApp, { key: 'everyone', offers: ['voucher'], holdoutShare: 0 });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('holds its customers out of a campaign that treats everyone', async () => {
    for (const customer of ['held-1', 'held-2']) {
      const response = await nextBestOffer(testApp, customer);

      expect(response.body.arm).toBe('control');
      expect(response.body.offer).toBeNull();
      expect(response.body.message).toBeNull();
      expect(assignmentReason(response.body)).toMatchObject({ arm: 'control', globalControl: true, holdoutShare: 1 });
    }
    const rows = await testApp.stores.database.prisma.holdoutAssignment.findMany({ orderBy: { customerId: 'asc' } });
    expect(rows.map((row) => [row.holdoutGroup, row.customerId, row.arm, row.salt])).toEqual([
      [GLOBAL_CONTROL_GROUP, 'held-1', 'control', 'house'],
      [GLOBAL_CONTROL_GROUP, 'held-2', 'control', 'house'],
    ]);
  });

  it('counts global control customers in the uplift but not in the split check', async () => {
    const response = await testApp.api().get('/v1/reports/uplift?campaign=everyone');

    expect(response.body.control.n).toBe(2);
    expect(response.body.globalControl).toBe(2);
    expect(response.body.sampleRatioMismatch).toMatchObject({ observedControl: 0, observedTreatment: 0, flagged: false });
  });
});
