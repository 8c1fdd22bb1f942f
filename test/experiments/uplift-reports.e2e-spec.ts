import request from 'supertest';
import { CUMULATIVE_COLUMNS, UPLIFT_COLUMNS } from '#wayline/experiments';
import { createCampaign, createChannel, createOffer } from '../decisioning/decisioning-fixtures.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedExperiment } from './experiment-fixtures.ts';

describe('uplift reports', () => {
  let testApp: TestApp;
  let api: () => ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
    api = () => testApp.api();
    const prisma = testApp.stores.database.prisma;
    await createChannel(testApp);
    await createOffer(testApp, 'voucher', 10);

    // 30/200 against 15/200 over three days, at the configured 50% share.
    await createCampaign(testApp, { key: 'balanced', offers: ['voucher'], holdoutShare: 0.5 });
    await seedExperiment(prisma, {
      campaignKey: 'balanced',
      treatment: { customers: 200, conversions: 30 },
      control: { customers: 200, conversions: 15 },
      days: ['2026-11-01', '2026-11-02', '2026-11-03'],
      segments: ['gold', 'silver'],
      stages: ['browse', 'purchase'],
      emotions: ['happy', 'frustrated', 'neutral'],
      value: 25,
    });
    // 300 treated against 200 held out, although the share is 50%: a broken split.
    await createCampaign(testApp, { key: 'skewed', offers: ['voucher'], holdoutShare: 0.5 });
    await seedExperiment(prisma, { campaignKey: 'skewed', treatment: { customers: 300, conversions: 10 }, control: { customers: 200, conversions: 5 } });
    // 100 held out of 1000 at a 10% share: fits, although it is far from 50/50.
    await createCampaign(testApp, { key: 'ten-percent', offers: ['voucher'], holdoutShare: 0.1 });
    await seedExperiment(prisma, { campaignKey: 'ten-percent', treatment: { customers: 900, conversions: 0 }, control: { customers: 100, conversions: 0 } });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('reports the figures statsmodels gives for the counts', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=balanced&metric=conversion');

    expect(response.status).toBe(200);
    const report = response.body;
    expect(report.treatment).toEqual({ n: 200, conversions: 30, rate: 0.15 });
    expect(report.control).toEqual({ n: 200, conversions: 15, rate: 0.075 });
    // statsmodels 0.13.5: confint_proportions_2indep(30, 200, 15, 200, method='newcomb'),
    // proportions_ztest([30, 15], [200, 200]) and the same with method='log', compare='ratio'.
    expect(report.uplift.ci95[0]).toBeCloseTo(0.012820784516974236, 12);
    expect(report.uplift.ci95[1]).toBeCloseTo(0.1381245383631542, 12);
    expect(report.uplift.pValue).toBeCloseTo(0.01761737223451881, 12);
    expect(report.uplift.relativeCi95[0]).toBeCloseTo(1.1108861000533465 - 1, 12);
    expect(report.uplift.relativeCi95[1]).toBeCloseTo(3.600729183494072 - 1, 12);
    expect(report.uplift.incremental.value).toBeCloseTo(15, 10);
    expect(report.uplift.minimumDetectableEffect.absolute).toBeGreaterThan(0);
    expect(report.sampleRatioMismatch).toMatchObject({ expectedControlShare: 0.5, chiSquare: 0, pValue: 1, flagged: false });
  });

  it('flags a deliberately skewed split', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=skewed');

    expect(response.status).toBe(200);
    // scipy 1.10.1: chisquare([200, 300], [250, 250]) = (20.0, 7.744216431044088e-06).
    expect(response.body.sampleRatioMismatch.chiSquare).toBeCloseTo(20, 12);
    expect(response.body.sampleRatioMismatch.pValue).toBeCloseTo(7.744216431044088e-6, 15);
    expect(response.body.sampleRatioMismatch.flagged).toBe(true);
    expect(response.body.notes.some((note: string) => note.startsWith('Sample ratio mismatch'))).toBe(true);
  });

  it('checks the split against the configured share', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=ten-percent');

    expect(response.body.sampleRatioMismatch).toMatchObject({ expectedControlShare: 0.1, pValue: 1, flagged: false });
    // No conversions at all: defined nulls with notes, never NaN.
    expect(response.body.uplift.pValue).toBeNull();
    expect(response.body.uplift.relativeCi95).toBeNull();
    expect(response.body.uplift.ci95).toHaveLength(2);
    expect(response.body.notes.length).toBeGreaterThan(0);
  });

  it.each([
    ['segment', ['gold', 'silver']],
    ['stage', ['browse', 'purchase']],
    ['emotion', ['frustrated', 'happy', 'neutral']],
    ['offer', ['voucher']],
  ])('breaks the uplift down by %s', async (by, values) => {
    const response = await api().get(`/v1/reports/uplift?campaign=balanced&by=${by}`);

    expect(response.status).toBe(200);
    expect(response.body.by).toBe(by);
    const groups = response.body.groups as Array<{ value: string; treatment: { n: number }; control: { n: number }; sampleRatioMismatch: { flagged: boolean } }>;
    expect(groups.map((group) => group.value)).toEqual(values);
    expect(groups.reduce((sum, group) => sum + group.treatment.n + group.control.n, 0)).toBe(400);
  });

  it('puts customers without the attribute under unknown', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=skewed&by=segment');

    expect(response.body.groups.map((group: { value: string }) => group.value)).toEqual(['unknown']);
  });

  it('reports the cumulative uplift per day with a nested always-valid interval', async () => {
    const response = await api().get('/v1/reports/uplift/cumulative?campaign=balanced&metric=conversion');

    expect(response.status).toBe(200);
    const points = response.body.points as Array<{
      date: string;
      treatment: { n: number };
      control: { n: number };
      ci95: [number, number];
      sequentialCi95: [number, number];
      sequentialPValue: number;
    }>;
    expect(points.map((point) => point.date)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(points.map((point) => point.treatment.n + point.control.n)).toEqual([134, 267, 400]);
    for (const [index, point] of points.entries()) {
      expect(point.sequentialCi95[0]).toBeLessThan(point.ci95[0]);
      expect(point.sequentialCi95[1]).toBeGreaterThan(point.ci95[1]);
      expect(point.sequentialPValue).toBeGreaterThan(0);
      expect(point.sequentialPValue).toBeLessThanOrEqual(1);
      if (index > 0) {
        expect(point.sequentialCi95[0]).toBeGreaterThanOrEqual(points[index - 1]!.sequentialCi95[0]);
        expect(point.sequentialCi95[1]).toBeLessThanOrEqual(points[index - 1]!.sequentialCi95[1]);
      }
    }
    expect(response.body.sequential).toEqual({ method: 'msprt-normal-mixture', alpha: 0.05, mixtureScale: 0.1 });
  });

  it('counts cumulative spend per customer', async () => {
    const response = await api().get('/v1/reports/uplift/cumulative?campaign=balanced&metric=spend');

    const last = response.body.points.at(-1);
    expect(last.treatment).toEqual({ n: 200, conversions: 750, rate: 3.75 });
    expect(last.control).toEqual({ n: 200, conversions: 375, rate: 1.875 });
  });

  it('exports the uplift as CSV with the documented columns', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=balanced&format=csv');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(UPLIFT_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith('balanced,balanced,conversion,,,200,15,0.075,200,30,0.15,')).toBe(true);
  });

  it('exports a breakdown as CSV, one row per group', async () => {
    const response = await api().get('/v1/reports/uplift?campaign=balanced&by=stage&format=csv');

    const lines = response.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.startsWith('balanced,balanced,conversion,stage,browse,')).toBe(true);
    expect(lines[2]!.startsWith('balanced,balanced,conversion,stage,purchase,')).toBe(true);
  });

  it('exports the cumulative report as CSV', async () => {
    const response = await api().get('/v1/reports/uplift/cumulative?campaign=balanced&format=csv');

    const lines = response.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CUMULATIVE_COLUMNS.join(','));
    expect(lines.map((line) => line.split(',')[2])).toEqual(['date', '2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it.each([
    ['/v1/reports/uplift?campaign=balanced&by=colour', 'query.by'],
    ['/v1/reports/uplift?campaign=balanced&format=xml', 'query.format'],
    ['/v1/reports/uplift?campaign=balanced&metric=revenue', 'query.metric'],
    ['/v1/reports/uplift?by=stage', 'query.campaign'],
    ['/v1/reports/uplift?campaign=nope&by=stage', 'query.campaign'],
    ['/v1/reports/uplift/cumulative?campaign=nope', 'query.campaign'],
    ['/v1/reports/uplift/cumulative?campaign=balanced&mixtureScale=0', 'query.mixtureScale'],
    ['/v1/reports/uplift/cumulative?campaign=balanced&mixtureScale=abc', 'query.mixtureScale'],
    ['/v1/reports/uplift/cumulative?campaign=balanced&format=pdf', 'query.format'],
    ['/v1/reports/uplift/cumulative?campaign=balanced&by=stage', 'query'],
  ])('rejects %s with a 400 naming %s', async (url, path) => {
    const response = await api().get(url);

    expect(response.status).toBe(400);
    const paths = (response.body.problems as Array<{ path: string }>).map((problem) => problem.path);
    expect(paths).toContain(path);
  });
});
