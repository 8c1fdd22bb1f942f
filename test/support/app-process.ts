import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The built entry points that fault tests start as separate processes. */
export const BUILT_ENTRY_POINTS = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  server: 'dist/apps/server/src/main.js',
} as const;

export type AppKind = keyof typeof BUILT_ENTRY_POINTS;

/** One pino log line of a child process, parsed. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * A built Wayline process (API, worker or combined server) started with `node dist/...`, for tests that
 * kill it or cut its connections. It keeps every JSON log line the process writes, so a
 * test can wait for one and show the tail of the log when it fails.
 */
export class AppProcess {
  readonly logs: LogLine[] = [];
  /** Lines of stdout or stderr that are not JSON, such as a crash's stack trace. */
  readonly otherOutput: string[] = [];
  /** The base URL of the API or the combined server, once it listens; undefined for the worker. */
  url: string | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly kind: AppKind,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline !== -1) {
          this.record(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
        }
      });
    }
  }

  /**
   * Starts the built `kind` with `env` (added to a minimal environment) and waits until it
   * is ready: the API or server listens on a free port of 127.0.0.1, the worker has started its jobs.
   */
  static async start(kind: AppKind, env: NodeJS.ProcessEnv, readyTimeoutMs = 30_000): Promise<AppProcess> {
    const entryPoint = path.resolve(BUILT_ENTRY_POINTS[kind]);
    if (!existsSync(entryPoint)) {
      throw new Error(`${entryPoint} is missing; run npm run build before this test`);
    }
    const child = spawn(process.execPath, [entryPoint], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(kind, child);
    const readyMessages: Record<AppKind, RegExp> = {
      api: /^Wayline API is listening on /,
      worker: /^Wayline worker started$/,
      server: /^Wayline is listening on /,
    };
    const readyMessage = readyMessages[kind];
    try {
      const line = await app.waitForLog((log) => readyMessage.test(log.msg), readyTimeoutMs);
      if (kind !== 'worker') {
        app.url = String(line.url).replace('localhost', '127.0.0.1');
      }
    } catch (error) {
      app.kill('SIGKILL');
      await app.exited;
      throw error;
    }
    return app;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** How the process ended, for assertions and messages; undefined while it runs. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Waits for a log line that matches `predicate`, among past and future lines. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (let checked = 0; ; ) {
      for (; checked < this.logs.length; checked += 1) {
        if (predicate(this.logs[checked]!)) {
          return this.logs[checked]!;
        }
      }
      if (!this.alive) {
        throw new Error(`The ${this.kind} process exited (${JSON.stringify(this.exitInfo)}) before the expected log line\n${this.tail()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for a log line of the ${this.kind} process\n${this.tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends `signal` and returns at once; {@link stop} also waits for the exit. */
  kill(signal: NodeJS.Signals): void {
    if (this.alive) {
      this.child.kill(signal);
    }
  }

  /** Sends `signal` (SIGTERM by default) and waits until the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    this.kill(signal);
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Returns the last log lines and other output, for failure messages. */
  tail(lines = 20): string {
    const logs = this.logs.slice(-lines).map((line) => JSON.stringify(line));
    return [...logs, ...this.otherOutput.slice(-lines)].join('\n');
  }

  /** Log lines at `level` or above (pino levels: 40 warn, 50 error, 60 fatal). */
  logsAtLeast(level: number): LogLine[] {
    return this.logs.filter((line) => line.level >= level);
  }

  private record(text: string): void {
    if (text.trim() === '') {
      return;
    }
    try {
      const parsed = JSON.parse(text) as LogLine;
      if (typeof parsed === 'object' && parsed !== null && typeof parsed.msg === 'string') {
        this.logs.push(parsed);
        return;
      }
    } catch {
      // Not a log line; kept below.
    }
    this.otherOutput.push(text);
  }
}
