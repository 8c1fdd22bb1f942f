import { setTimeout as sleep } from 'node:timers/promises';
import { AppProcess } from '../support/app-process.ts';
import { createTestDatabaseConfig } from '../support/test-stores.ts';
import { countStoredEvents, newAdminKey, readScoringFacts, syntheticEvent } from './fault-fixtures.ts';

const EVENT_COUNT = 100_000;
const BATCH_SIZE = 1_000;
const CUSTOMER_COUNT = 10_000;
/** Batches in flight at once, like several producers sending at the same time. */
const CONCURRENT_BATCHES = 4;
const KILLS_DURING_INGEST = 3;
const KILLS_DURING_SCORING = 2;

// The worker has to be a process of its own to be killed, and PGlite serves one process
// only. Set DATABASE_URL and REDIS_URL to run this test; without them it is skipped.
const runs = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeOnServers = runs ? describe : describe.skip;
if (!runs) {
  process.stderr.write('worker-sigkill.e2e-spec.ts is skipped: it runs the worker as a separate process, so set DATABASE_URL and REDIS_URL to run it\n');
}

describeOnServers('worker killed with SIGKILL during ingest and scoring', () => {
  let databaseUrl: string;
  let dropDatabase: () => Promise<void> = async () => {};
  let api: AppProcess | undefined;
  let worker: AppProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const adminKey = newAdminKey();
  const killLog: string[] = [];

  beforeAll(async () => {
    const { database, drop } = await createTestDatabaseConfig();
    dropDatabase = drop;
    databaseUrl = database.kind === 'postgres' ? database.url : '';
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL,
      WAYLINE_ADMIN_KEY: adminKey,
      WAYLINE_SCORING_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    };
    // The API applies the migrations, so the worker's first start is not slowed by them.
    api = await AppProcess.start('api', { ...env, LOG_LEVEL: 'info' });
    worker = await AppProcess.start('worker', { ...env, LOG_LEVEL: 'info' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await dropDatabase();
  }, 60_000);

  /** Kills the running worker with SIGKILL, waits for its exit and starts a new one. */
  async function killAndRestartWorker(phase: string): Promise<void> {
    const victim = worker!;
    await victim.stop('SIGKILL');
    killLog.push(`${phase}: pid ${victim.pid} ended by ${victim.exit?.signal}`);
    worker = await AppProcess.start('worker', { ...env, LOG_LEVEL: 'info' });
  }

  async function unscoredEvents(): Promise<number> {
    const response = await fetch(`${api!.url}/v1/scoring/status`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { unscoredEvents: number }).unscoredEvents;
  }

  it('scores every accepted event exactly once', async () => {
    const start = Date.now() - 2 * EVENT_COUNT * 1000;
    const acceptedIds: string[] = [];
    const failedBatches: string[] = [];
    let nextBatch = 0;

    // The kills during ingest follow randomly chosen accepted batches, so they happen however
    // fast the machine is. Each one lands wherever the worker is at that moment: inside a
    // scoring transaction, between two of them or while it starts. The kill log names the
    // batches and delays, so a failing run can be retraced.
    const batchCount = EVENT_COUNT / BATCH_SIZE;
    const killAfterBatches = new Set<number>();
    while (killAfterBatches.size < KILLS_DURING_INGEST) {
      killAfterBatches.add(5 + Math.floor(Math.random() * (batchCount - 10)));
    }
    let batchesAccepted = 0;
    let restarts = Promise.resolve();

    const sendBatches = async (): Promise<void> => {
      for (let batch = nextBatch++; batch * BATCH_SIZE < EVENT_COUNT; batch = nextBatch++) {
        const events = Array.from({ length: BATCH_SIZE }, (_, offset) => syntheticEvent('sigkill', batch * BATCH_SIZE + offset, CUSTOMER_COUNT, start));
        const response = await fetch(`${api!.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({ events }),
        });
        if (response.status !== 202) {
          failedBatches.push(`batch ${batch}: ${response.status} ${await response.text()}`);
          continue;
        }
        const body = (await response.json()) as { accepted: number; events: Array<{ id: string }> };
        acceptedIds.push(...body.events.map((event) => event.id));
        batchesAccepted += 1;
        if (killAfterBatches.has(batchesAccepted)) {
          const phase = `during ingest after batch ${batchesAccepted} of ${batchCount}`;
          restarts = restarts.then(() => killAndRestartWorker(phase));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_BATCHES }, sendBatches));
    await restarts;
    expect(failedBatches).toEqual([]);
    expect(acceptedIds).toHaveLength(EVENT_COUNT);

    for (let kill = 0; kill < KILLS_DURING_SCORING; kill += 1) {
      if ((await unscoredEvents()) === 0) {
        break;
      }
      const delayMs = Math.floor(Math.random() * 1_000);
      await sleep(delayMs);
      await killAndRestartWorker(`during scoring, ${delayMs} ms after the last start`);
    }

    const deadline = Date.now() + 120_000;
    let backlog = await unscoredEvents();
    while (backlog > 0 && Date.now() < deadline) {
      await sleep(250);
      backlog = await unscoredEvents();
    }
    expect({ backlog, kills: killLog }).toEqual({ backlog: 0, kills: killLog });
    expect(killLog.length).toBeGreaterThanOrEqual(KILLS_DURING_INGEST);

    // Every id the API returned is stored, once, and nothing else is.
    expect(await countStoredEvents(databaseUrl, acceptedIds)).toBe(EVENT_COUNT);
    const facts = await readScoringFacts(databaseUrl);
    expect(facts.events).toBe(EVENT_COUNT);
    expect(facts.unscored).toBe(0);
    expect(facts.customers).toBe(CUSTOMER_COUNT);
    // Each event applied to its customer's state exactly once.
    expect(facts.mismatches).toEqual([]);
    expect(facts.countedEvents).toBe(EVENT_COUNT);
    expect(worker!.alive).toBe(true);
    expect(api!.logsAtLeast(50)).toEqual([]);
  }, 240_000);
});
