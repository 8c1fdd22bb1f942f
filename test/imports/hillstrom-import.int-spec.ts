import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createRootLogger } from '#wayline/common';
import { buildUpliftResult, ExperimentsModule, UpliftReportService } from '#wayline/experiments';
import { HillstromImporter, ImportsModule, readHillstromFile } from '#wayline/imports';
import { CoreModule } from '#wayline/runtime';
import { createTestStores, type TestStores } from '../support/test-stores.ts';

const HILLSTROM_FILE = path.resolve(process.cwd(), '..', 'shared', 'data', 'hillstrom.csv');
/** Importing 64,000 rows takes about a minute on PGlite and longer when other suites share the CPU. */
const IMPORT_TIMEOUT_MS = 300_000;

/**
 * Imports the real Hillstrom file and checks every report against counts taken straight
 * from the CSV. The statistics themselves are checked against statsmodels in the unit
 * tests and, end to end, by scripts/check-uplift-stats.py.
 */
describe('Hillstrom import', () => {
  let stores: TestStores;
  let context: INestApplicationContext;

  beforeAll(async () => {
    if (!existsSync(HILLSTROM_FILE)) {
      throw new Error(`The Hillstrom file is missing at ${HILLSTROM_FILE}; the shared data folder must sit beside the project`);
    }
    stores = await createTestStores();
    const runtime = {
      config: stores.config,
      logger: createRootLogger('silent'),
      database: stores.database,
      liveStore: stores.liveStore,
      close: async () => {},
    };

    @Module({ imports: [CoreModule.forRoot(runtime), ImportsModule, ExperimentsModule] })
    class ImportTestModule {}

    const moduleRef = await Test.createTestingModule({ imports: [ImportTestModule] }).compile();
    context = await moduleRef.init();
  });

  afterAll(async () => {
    await context?.close();
    await stores?.teardown();
  });

  it('loads every row once and reports the experiment', async () => {
    const importer = context.get(HillstromImporter);
    const progress: number[] = [];

    const first = await importer.import(HILLSTROM_FILE, {
      emailWebhookUrl: 'http://127.0.0.1:9/unused',
      onProgress: (done) => progress.push(done),
    });

    const rows = await readHillstromFile(HILLSTROM_FILE);
    const expectedOutcomes = rows.filter((row) => row.visit).length + rows.filter((row) => row.conversion).length;
    expect(first).toEqual({ rows: 64_000, customersCreated: 64_000, decisionsCreated: 64_000, outcomesCreated: expectedOutcomes });
    expect(progress.at(-1)).toBe(64_000);

    const reports = context.get(UpliftReportService);
    const control = rows.filter((row) => row.segment === 'No E-Mail');
    for (const [campaign, segment] of [['hillstrom-mens', 'Mens E-Mail'], ['hillstrom-womens', 'Womens E-Mail']] as const) {
      const treated = rows.filter((row) => row.segment === segment);
      for (const metric of ['visit', 'conversion'] as const) {
        const report = await reports.report({ campaign, metric });
        const expected = buildUpliftResult({
          metric,
          treatment: { n: treated.length, successes: treated.filter((row) => row[metric]).length },
          control: { n: control.length, successes: control.filter((row) => row[metric]).length },
        });
        expect(report.treatment).toEqual(expected.treatment);
        expect(report.control).toEqual(expected.control);
        expect(report.uplift).toEqual(expected.uplift);
      }
      const spend = await reports.report({ campaign, metric: 'spend' });
      const sum = (group: typeof rows) => group.reduce((total, row) => total + row.spend, 0);
      expect(spend.treatment.n).toBe(treated.length);
      expect(spend.control.n).toBe(control.length);
      expect(spend.treatment.conversions).toBeCloseTo(sum(treated), 6);
      expect(spend.control.conversions).toBeCloseTo(sum(control), 6);
      expect(spend.uplift.pValue).toBeLessThan(0.01);
    }
  }, IMPORT_TIMEOUT_MS);

  it('adds nothing on a second run', async () => {
    const second = await context.get(HillstromImporter).import(HILLSTROM_FILE, { emailWebhookUrl: 'http://127.0.0.1:9/unused' });

    expect(second).toEqual({ rows: 64_000, customersCreated: 0, decisionsCreated: 0, outcomesCreated: 0 });
    expect(await stores.database.prisma.decision.count()).toBe(64_000);
  }, IMPORT_TIMEOUT_MS);

  it('rejects a file that is not the Hillstrom layout', async () => {
    const importer = context.get(HillstromImporter);
    const notHillstrom = path.resolve(process.cwd(), '..', 'shared', 'data', 'rees46_2019oct_first1000_events.csv');

    await expect(importer.import(notHillstrom, { emailWebhookUrl: 'http://127.0.0.1:9/unused' })).rejects.toThrow(/has no column recency/);
  });
});
