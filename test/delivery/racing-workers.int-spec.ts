import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TestStores, createTestStores, usesServers } from '../support/test-stores.ts';
import { CountingReceiver, ensureWorkerBuild, insertDueMessages, WorkerProcess } from './racing-workers.support.ts';

const MESSAGE_COUNT = 10_000;
const WORKER_COUNT = 3;
/** Upper bound on the whole run, far above the few seconds it takes on a laptop; it only stops a hung run. */
const DRAIN_TIMEOUT_MS = 300_000;

// Three worker processes need a database that several processes can open, and PGlite
// is single-process. Set DATABASE_URL to run this test; without it the test is skipped.
const describeOnPostgres = usesServers() ? describe : describe.skip;
if (!usesServers()) {
  process.stderr.write('racing-workers.int-spec.ts is skipped: it needs PostgreSQL, so set DATABASE_URL to run it\n');
}

describeOnPostgres('three worker processes racing over due messages', () => {
  let stores: TestStores;
  let receiver: CountingReceiver;
  let logsDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ensureWorkerBuild();
    stores = await createTestStores();
    receiver = await new CountingReceiver().start();
    logsDir = mkdtempSync(join(tmpdir(), 'wayline-racing-workers-'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await receiver?.stop();
    await stores?.teardown();
    if (logsDir !== undefined) {
      rmSync(logsDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('sends each of 10,000 messages exactly once', async () => {
    const prisma = stores.database.prisma;
    const channel = await prisma.channel.create({ data: { name: 'racing-workers', webhookUrl: receiver.url }, select: { id: true } });
    const messageIds = await insertDueMessages(prisma, channel.id, MESSAGE_COUNT);
    const config = stores.config.database;
    if (config.kind !== 'postgres') {
      throw new Error('The racing workers test needs PostgreSQL');
    }

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: config.url,
      REDIS_URL: process.env.REDIS_URL ?? '',
      WAYLINE_DATA_DIR: join(logsDir, 'pglite-unused'),
      WAYLINE_DELIVERY_INTERVAL_MS: '50',
    };
    for (let index = 0; index < WORKER_COUNT; index += 1) {
      workers.push(WorkerProcess.start(env, join(logsDir, `worker-${index + 1}.log`)));
    }
    await Promise.all(workers.map((worker) => worker.waitForLog('Wayline worker started', 60_000)));

    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let sent = 0;
    while (Date.now() < deadline) {
      sent = await prisma.outreachMessage.count({ where: { status: 'sent' } });
      if (sent === MESSAGE_COUNT) {
        break;
      }
      await sleep(250);
    }
    // Stopping waits for running ticks, so every request a worker made is in the counts below.
    await Promise.all(workers.map((worker) => worker.stop()));

    expect(sent).toBe(MESSAGE_COUNT);
    expect(receiver.requests).toBe(MESSAGE_COUNT);
    expect(receiver.countsByKey.size).toBe(MESSAGE_COUNT);
    const duplicates = [...receiver.countsByKey].filter(([, count]) => count > 1);
    expect(duplicates).toEqual([]);
    expect([...receiver.countsByKey.keys()].sort()).toEqual([...messageIds].sort());

    const byStatus = await prisma.outreachMessage.groupBy({ by: ['status', 'attempts'], _count: true });
    expect(byStatus).toEqual([{ status: 'sent', attempts: 1, _count: MESSAGE_COUNT }]);

    // Every process took part, so the claims did race, and the logged sends add up.
    const sentPerWorker = workers.map((worker) => worker.sentCount());
    for (const count of sentPerWorker) {
      expect(count).toBeGreaterThan(0);
    }
    expect(sentPerWorker.reduce((sum, count) => sum + count, 0)).toBe(MESSAGE_COUNT);
  }, DRAIN_TIMEOUT_MS + 120_000);
});
