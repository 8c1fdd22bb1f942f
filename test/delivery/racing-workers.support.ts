import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '#wayline/database';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;
export const WORKER_ENTRY = 'dist/apps/worker/src/main.js';

/** Newest modification time of the TypeScript sources that the build compiles, in epoch milliseconds. */
function newestSourceMs(): number {
  let newest = 0;
  for (const folder of ['apps', 'libs', 'prisma']) {
    for (const entry of readdirSync(join(PROJECT_ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|prisma)$/.test(entry.name) && !/\.(spec|e2e-spec|int-spec)\.ts$/.test(entry.name)) {
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}

/**
 * Builds the project with `tsc -p tsconfig.build.json` when the compiled worker is
 * missing or older than a source file, so the processes run the code under test.
 * A build takes about 10 to 20 seconds.
 */
export function ensureWorkerBuild(): void {
  const entry = join(PROJECT_ROOT, WORKER_ENTRY);
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestSourceMs()) {
    return;
  }
  try {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: PROJECT_ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc prints its errors on stdout, which the bare error message leaves out.
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    throw new Error(`Failed to build the worker with tsc -p tsconfig.build.json:\n${output.slice(0, 4000)}`, { cause: error });
  }
}

/** Inserts one customer, `count` treatment decisions and one message per decision, due a second ago. Returns the message ids. */
export async function insertDueMessages(prisma: PrismaClient, channelId: string, count: number): Promise<string[]> {
  const customerId = 'racing-workers-customer';
  await prisma.customer.create({ data: { id: customerId } });
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH decision AS (
      INSERT INTO decisions (customer_id, holdout_group, arm)
      SELECT ${customerId}, 'racing-workers', 'treatment' FROM generate_series(1, ${count}::int)
      RETURNING id
    )
    INSERT INTO outreach_messages (decision_id, channel_id, payload, send_at, next_attempt_at)
    SELECT id, ${channelId}::uuid, jsonb_build_object('decisionId', id),
           now() - interval '1 second', now() - interval '1 second'
    FROM decision
    RETURNING id::text`;
  return rows.map((row) => row.id);
}

/** A webhook on 127.0.0.1 that responds with 200 and counts the requests per `idempotency-key` header. */
export class CountingReceiver {
  readonly countsByKey = new Map<string, number>();
  requests = 0;
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.requests += 1;
        const key = String(request.headers['idempotency-key'] ?? '');
        this.countsByKey.set(key, (this.countsByKey.get(key) ?? 0) + 1);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A worker started as its own Node.js process from the build, with its log in `logPath`. */
export class WorkerProcess {
  readonly exited: Promise<number | null>;

  private constructor(
    readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: NodeJS.ProcessEnv, logPath: string): WorkerProcess {
    const log = openSync(logPath, 'w');
    try {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, WORKER_ENTRY)], { cwd: PROJECT_ROOT, env, stdio: ['ignore', log, log] });
      return new WorkerProcess(logPath, child);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits until the log contains `text`, and fails early when the process exits. */
  async waitForLog(text: string, timeoutMs: number): Promise<void> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (readFileSync(this.logPath, 'utf8').includes(text)) {
        return;
      }
      if (exited) {
        throw new Error(`The worker exited before logging '${text}'; see ${this.logPath}`);
      }
      await sleep(100);
    }
    throw new Error(`The worker did not log '${text}' within ${timeoutMs} ms; see ${this.logPath}`);
  }

  /** Sends SIGTERM and waits for the exit; SIGKILL after 15 seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sum of `sent` over the worker's "Delivery tick finished" log lines. */
  sentCount(): number {
    let sent = 0;
    for (const line of readFileSync(this.logPath, 'utf8').split('\n')) {
      if (line.includes('Delivery tick finished')) {
        sent += Number((JSON.parse(line) as { sent?: number }).sent ?? 0);
      }
    }
    return sent;
  }
}
