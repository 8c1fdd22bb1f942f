import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { LOCAL_HOST } from './local-http-client.ts';
import { logStep } from './progress.ts';
import { WaylineProcess } from './wayline-process.ts';

/** `embedded`: one server process on PGlite and the in-process live store. `servers`: API and worker processes on PostgreSQL and Redis. */
export type DeploymentKind = 'embedded' | 'servers';

export interface DeploymentSettings {
  projectRoot: string;
  logsDir: string;
  logLevel: string;
  cpuProfile: boolean;
  startTimeoutMs: number;
  /** Worker processes on the servers, 1 or more; ignored by the embedded store's single process. */
  workers: number;
  /** PostgreSQL server, where the benchmark creates its own database, and Redis. Null for the embedded stores. */
  servers: { databaseUrl: string; redisUrl: string } | null;
}

const LOG_LEVELS_WITH_INFO = ['info', 'debug', 'trace'];

/**
 * The Wayline processes of one run and what they need: a free port on 127.0.0.1, a
 * temporary folder for PGlite, and, on the servers, a database of their own.
 * {@link shutdown} releases whatever {@link start} got to, so it is safe after a failed start.
 */
export class WaylineDeployment {
  readonly kind: DeploymentKind;
  readonly processes: WaylineProcess[] = [];
  port = 0;
  /** The stores `/health` reported, such as `pglite` and `memory`. */
  stores: { database: string; liveStore: string } | null = null;
  database: BenchDatabase | null = null;
  /**
   * The admin key the processes start with (WAYLINE_ADMIN_KEY): the caller's, when its
   * environment sets one, or a new random key per run.
   */
  readonly adminKey: string;
  private dataDir: string | null = null;
  private shuttingDown: Promise<void> | undefined;

  constructor(private readonly settings: DeploymentSettings) {
    this.kind = settings.servers === null ? 'embedded' : 'servers';
    this.adminKey = process.env.WAYLINE_ADMIN_KEY || `wl_bench_admin_${randomBytes(32).toString('base64url')}`;
  }

  /** Starts the processes and resolves when they are ready. `onStarted` gets each one as soon as it has a pid. */
  async start(onStarted: (process: WaylineProcess) => void): Promise<void> {
    const { settings } = this;
    this.dataDir = await mkdtemp(join(tmpdir(), 'wayline-bench-'));
    this.port = await findFreePort();
    const env = this.childEnvironment();
    if (settings.servers !== null) {
      this.database = await createBenchDatabase(settings.servers.databaseUrl);
      logStep(`created database ${this.database.name}`);
      env.DATABASE_URL = this.database.url;
      env.REDIS_URL = settings.servers.redisUrl;
    }

    const launch = (name: string, entry: string): WaylineProcess => {
      const started = WaylineProcess.start({
        name,
        entry,
        env,
        projectRoot: settings.projectRoot,
        logPath: join(settings.logsDir, `${this.kind}-${name}.log`),
        cpuProfile: settings.cpuProfile,
      });
      this.processes.push(started);
      onStarted(started);
      logStep(`started ${name} (pid ${started.pid}), log in ${started.logPath}`);
      return started;
    };

    if (settings.servers === null) {
      const server = launch('server', 'dist/apps/server/src/main.js');
      this.stores = await server.waitForHealth(this.port, settings.startTimeoutMs);
      return;
    }
    // The API applies the migrations, and the worker starts after it, so the two do not queue on the migration lock.
    const api = launch('api', 'dist/apps/api/src/main.js');
    this.stores = await api.waitForHealth(this.port, settings.startTimeoutMs);
    const workers = Array.from({ length: settings.workers }, (_, index) =>
      launch(index === 0 ? 'worker' : `worker-${index + 1}`, 'dist/apps/worker/src/main.js'),
    );
    if (LOG_LEVELS_WITH_INFO.includes(settings.logLevel)) {
      await Promise.all(workers.map((worker) => worker.waitForLogLine('Wayline worker started', settings.startTimeoutMs)));
    } else {
      // NOTE: below info level the worker logs nothing at start, so there is nothing to wait for.
      logStep(`log level ${settings.logLevel} hides the worker's start message, so the run does not wait for it`);
    }
  }

  /** Stops every process (SIGTERM, then SIGKILL), drops the database and removes the temporary folder. Safe to call twice. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.release();
    return this.shuttingDown;
  }

  private async release(): Promise<void> {
    const problems: string[] = [];
    // The worker first, so it does not keep polling a stopped API's database.
    for (const waylineProcess of [...this.processes].reverse()) {
      const exit = await waylineProcess.stop();
      logStep(`stopped ${waylineProcess.name} (code ${exit.code}, signal ${exit.signal})`);
    }
    if (this.database !== null) {
      try {
        await this.database.drop();
        logStep(`dropped database ${this.database.name}`);
      } catch (error) {
        problems.push(`Failed to drop database ${this.database.name}: ${describe(error)}. Drop it by hand.`);
      }
    }
    if (this.dataDir !== null) {
      await rm(this.dataDir, { recursive: true, force: true }).catch((error: unknown) => {
        problems.push(`Failed to remove ${this.dataDir}: ${describe(error)}`);
      });
    }
    if (problems.length > 0) {
      throw new Error(problems.join(' '));
    }
  }

  private childEnvironment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('BENCH_')) {
        env[key] = value;
      }
    }
    return {
      ...env,
      NODE_ENV: 'production',
      HOST: LOCAL_HOST,
      PORT: String(this.port),
      LOG_LEVEL: this.settings.logLevel,
      // Never the project's ./.wayline: each run starts from an empty PGlite folder.
      WAYLINE_DATA_DIR: join(this.dataDir!, 'pglite'),
      DATABASE_URL: '',
      REDIS_URL: '',
      WAYLINE_ADMIN_KEY: this.adminKey,
    };
  }
}

/** Asks the kernel for a free port on 127.0.0.1. Another program could take it before Wayline binds it, which makes the start fail with a clear log. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCAL_HOST, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('Failed to find a free port on 127.0.0.1');
  }
  return address.port;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
