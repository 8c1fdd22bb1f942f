/**
 * Entry of `npm run bench`: starts Wayline as child processes on 127.0.0.1, runs the
 * scenarios against them, stops them, prints tables on stdout and writes the JSON
 * result file. Progress goes to stderr. `npm run bench -- --help` lists the options.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTargets, describeMachine, type BenchResult } from './bench-result.ts';
import { summarizeCpuProfile, type CpuProfileSummary } from './cpu-profile-summary.ts';
import { DatabaseActivityReader } from './database-activity.ts';
import { LocalHttpClient } from './local-http-client.ts';
import { InvalidOptionsError, parseOptions, usage, wantsHelp, type BenchOptions, type ScenarioName } from './options.ts';
import { measureMachineBusyPercent, ProcessSampler } from './process-sampler.ts';
import { logStep } from './progress.ts';
import { formatResultTables } from './result-table.ts';
import { runDeliveryScenario, type DeliveryResult } from './scenarios/delivery.scenario.ts';
import { runIngestionScenario, type IngestionResult } from './scenarios/ingestion.scenario.ts';
import { runNextBestOfferScenario, type NextBestOfferResult } from './scenarios/next-best-offer.scenario.ts';
import type { ScenarioContext } from './scenarios/scenario-context.ts';
import { WaylineDeployment } from './wayline-deployment.ts';

/** dist/bench/run.js sits two folders below the project folder. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const resultsDir = join(projectRoot, 'bench', 'results');

/** Machine CPU use before the run above which the runner warns that other load skews the figures, in percent. */
const BUSY_MACHINE_WARNING_PERCENT = 10;

/** Set once the runner stops the processes itself, so their exit is not reported as a crash. */
let deploymentStopping = false;

function readOptions(): BenchOptions {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  try {
    return parseOptions(argv, process.env, projectRoot);
  } catch (error) {
    if (error instanceof InvalidOptionsError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Returns the PostgreSQL and Redis URLs when both are set, or null for the embedded stores. Exits when only one is set. */
function readServers(): { databaseUrl: string; redisUrl: string } | null {
  const databaseUrl = process.env.DATABASE_URL ?? '';
  const redisUrl = process.env.REDIS_URL ?? '';
  if (databaseUrl === '' && redisUrl === '') {
    return null;
  }
  if (databaseUrl === '' || redisUrl === '') {
    process.stderr.write(
      'Set both DATABASE_URL and REDIS_URL to benchmark the API and worker processes, or neither for the embedded server.\n',
    );
    process.exit(2);
  }
  return { databaseUrl, redisUrl };
}

/** Results of the scenarios so far, kept when a later step fails. */
interface Collected {
  ingestion: IngestionResult | null;
  nextBestOffer: NextBestOfferResult | null;
  delivery: DeliveryResult | null;
  cpuProfiles: CpuProfileSummary[];
  errors: string[];
}

async function main(): Promise<number> {
  const options = readOptions();
  const servers = readServers();
  for (const entry of ['dist/apps/server/src/main.js', 'dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js']) {
    if (!existsSync(join(projectRoot, entry))) {
      process.stderr.write(`${entry} is missing; run \`npm run build\` first (\`npm run bench\` does).\n`);
      return 2;
    }
  }
  await mkdir(join(resultsDir, 'logs'), { recursive: true });
  if (options.cpuProfile) {
    await mkdir(join(resultsDir, 'profiles'), { recursive: true });
  }

  const startedAt = new Date();
  const machineBusyBeforePercent = await measureMachineBusyPercent(2000);
  if (machineBusyBeforePercent !== null && machineBusyBeforePercent > BUSY_MACHINE_WARNING_PERCENT) {
    logStep(
      `other processes kept the CPUs ${machineBusyBeforePercent.toFixed(0)}% busy before the run, ` +
        'so the figures will be lower than on an idle machine',
    );
  }

  const sampler = new ProcessSampler(250);
  const deployment = new WaylineDeployment({
    projectRoot,
    logsDir: join(resultsDir, 'logs'),
    logLevel: options.logLevel,
    cpuProfile: options.cpuProfile,
    startTimeoutMs: options.timeoutSeconds * 1000,
    workers: options.workers,
    servers,
  });
  const stopOnSignal = (signal: NodeJS.Signals) => {
    deploymentStopping = true;
    logStep(`received ${signal}; stopping the Wayline processes`);
    deployment
      .shutdown()
      .catch((error: unknown) => logStep(error instanceof Error ? error.message : String(error)))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const collected: Collected = { ingestion: null, nextBestOffer: null, delivery: null, cpuProfiles: [], errors: [] };
  let databaseReader: DatabaseActivityReader | null = null;
  sampler.start();
  try {
    await startDeployment(deployment, sampler, collected.errors);
    if (servers !== null && deployment.database !== null) {
      databaseReader = await DatabaseActivityReader.connect(servers.databaseUrl, deployment.database.name);
      sampler.attachDatabase(databaseReader);
    }
    await runScenarios(options, deployment, sampler, collected);
  } catch (error) {
    collected.errors.push(error instanceof Error ? error.message : String(error));
    logStep(`run failed: ${collected.errors[collected.errors.length - 1]}`);
  } finally {
    deploymentStopping = true;
    sampler.stop();
    await databaseReader?.close().catch(() => undefined);
    try {
      await deployment.shutdown();
    } catch (error) {
      collected.errors.push(error instanceof Error ? error.message : String(error));
    }
  }

  const result = buildResult(options, deployment, sampler, collected, startedAt, machineBusyBeforePercent);
  await mkdir(dirname(options.output), { recursive: true });
  await writeFile(options.output, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(formatResultTables(result));
  logStep(`wrote ${options.output}`);
  return result.status === 'completed' ? 0 : 1;
}

/** Starts the processes, tracks their memory and CPU, and records any that exits before the runner stops it. */
async function startDeployment(deployment: WaylineDeployment, sampler: ProcessSampler, errors: string[]): Promise<void> {
  await deployment.start((started) => {
    sampler.track(started.name, started.pid);
    void started.exited.then((exit) => {
      if (!deploymentStopping) {
        errors.push(`${started.name} exited during the run (code ${exit.code}, signal ${exit.signal}); see ${started.logPath}`);
        logStep(errors[errors.length - 1]!);
      }
    });
  });
  logStep(`Wayline is ready on 127.0.0.1:${deployment.port} (${deployment.stores?.database} + ${deployment.stores?.liveStore})`);
}

/** Creates the platform key that the scenarios send to the platform endpoints (events, next best offer). */
async function createPlatformKey(deployment: WaylineDeployment): Promise<string> {
  const client = new LocalHttpClient(deployment.port, { maxSockets: 1, keepAlive: false, apiKey: deployment.adminKey });
  try {
    const created = await client.requestJson<{ key: string }>('POST', '/v1/admin/api-keys', { name: 'bench-platform', role: 'platform' }, 201);
    return created.key;
  } finally {
    client.close();
  }
}

async function runScenarios(options: BenchOptions, deployment: WaylineDeployment, sampler: ProcessSampler, collected: Collected): Promise<void> {
  const keys = { admin: deployment.adminKey, platform: await createPlatformKey(deployment) };
  const context: ScenarioContext = {
    options,
    deployment,
    sampler,
    keys,
    createClient: (clientOptions) => new LocalHttpClient(deployment.port, { apiKey: keys.admin, ...clientOptions }),
  };
  for (const scenario of options.scenarios) {
    if (options.cpuProfile) {
      await Promise.all(deployment.processes.map((waylineProcess) => waylineProcess.startCpuProfile()));
    }
    logStep(`scenario ${scenario}`);
    if (scenario === 'ingestion') {
      collected.ingestion = await runIngestionScenario(context);
    } else if (scenario === 'delivery') {
      collected.delivery = await runDeliveryScenario(context);
    } else {
      collected.nextBestOffer = await runNextBestOfferScenario(context);
    }
    if (options.cpuProfile) {
      collected.cpuProfiles.push(...(await writeProfiles(deployment, scenario)));
    }
  }
}

function buildResult(
  options: BenchOptions,
  deployment: WaylineDeployment,
  sampler: ProcessSampler,
  collected: Collected,
  startedAt: Date,
  machineBusyBeforePercent: number | null,
): BenchResult {
  const { errors, ingestion, nextBestOffer } = collected;
  return {
    status: errors.length === 0 ? 'completed' : 'failed',
    error: errors.length === 0 ? null : errors.join(' '),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    arguments: process.argv.slice(2),
    machine: describeMachine(),
    machineBusyBeforePercent,
    options,
    deployment: {
      kind: deployment.kind,
      stores: deployment.stores,
      processes: deployment.processes.map((waylineProcess) => ({ name: waylineProcess.name, pid: waylineProcess.pid, logPath: waylineProcess.logPath })),
      waylineEnvironment: Object.fromEntries(
        Object.entries(process.env).filter(
          (entry): entry is [string, string] => entry[0].startsWith('WAYLINE_') && entry[0] !== 'WAYLINE_ADMIN_KEY' && entry[1] !== undefined,
        ),
      ),
    },
    ingestion,
    nextBestOffer,
    delivery: collected.delivery,
    peakRssMiB: Object.fromEntries([...sampler.runPeakRssKiB].map(([name, kib]) => [name, kib / 1024])),
    targets: checkTargets(ingestion, nextBestOffer),
    cpuProfiles: collected.cpuProfiles,
  };
}

async function writeProfiles(deployment: WaylineDeployment, scenario: ScenarioName): Promise<CpuProfileSummary[]> {
  const summaries: CpuProfileSummary[] = [];
  for (const waylineProcess of deployment.processes) {
    const path = join(resultsDir, 'profiles', `${deployment.kind}-${waylineProcess.name}-${scenario}.cpuprofile`);
    await waylineProcess.writeCpuProfile(path);
    summaries.push(summarizeCpuProfile(path));
    logStep(`wrote CPU profile ${path}`);
  }
  return summaries;
}

process.exitCode = await main();
