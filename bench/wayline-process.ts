import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProfilerCommand, ProfilerReply } from './cpu-profile-preload.ts';
import { LocalHttpClient } from './local-http-client.ts';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WaylineProcessSpec {
  /** Short name for tables and log files, such as `server`, `api` or `worker`. */
  name: string;
  /** Entry file relative to the project folder, such as `dist/apps/api/src/main.js`. */
  entry: string;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
  logPath: string;
  /** Loads the CPU profile preload, which the benchmark then drives over IPC. */
  cpuProfile: boolean;
}

/** Time a process gets to shut down after SIGTERM before it is killed. */
const GRACEFUL_STOP_MS = 15_000;
const PROFILER_REPLY_TIMEOUT_MS = 60_000;

/** One Wayline process started by the benchmark, with its output going to `logPath`. */
export class WaylineProcess {
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;

  private constructor(
    readonly name: string,
    readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  static start(spec: WaylineProcessSpec): WaylineProcess {
    const nodeArguments: string[] = [];
    if (spec.cpuProfile) {
      const preload = new URL('./cpu-profile-preload.js', import.meta.url);
      nodeArguments.push('--import', preload.href);
    }
    const logFd = openSync(spec.logPath, 'w');
    try {
      const child = spawn(process.execPath, [...nodeArguments, join(spec.projectRoot, spec.entry)], {
        cwd: spec.projectRoot,
        env: spec.env,
        stdio: spec.cpuProfile ? ['ignore', logFd, logFd, 'ipc'] : ['ignore', logFd, logFd],
      });
      if (child.pid === undefined) {
        // Node reports the reason in an 'error' event, which would crash the runner without a listener.
        child.once('error', () => undefined);
        throw new Error(`Failed to start ${process.execPath} ${spec.entry}. Check that Node.js can run it, and see ${spec.logPath}`);
      }
      return new WaylineProcess(spec.name, spec.logPath, child);
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(logFd);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Polls `GET /health` until it returns 200, and returns its body. Rejects if the process exits or `timeoutMs` passes. */
  async waitForHealth(port: number, timeoutMs: number): Promise<{ database: string; liveStore: string }> {
    const client = new LocalHttpClient(port, { maxSockets: 1, keepAlive: false, timeoutMs: 2000 });
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no response yet';
    try {
      while (Date.now() < deadline) {
        this.throwIfExited();
        try {
          const response = await client.get('/health');
          if (response.status === 200) {
            return JSON.parse(response.body) as { database: string; liveStore: string };
          }
          lastProblem = `status ${response.status}`;
        } catch (error) {
          lastProblem = error instanceof Error ? error.message : String(error);
        }
        await sleep(200);
      }
    } finally {
      client.close();
    }
    throw new Error(`${this.name} did not become healthy within ${timeoutMs} ms (${lastProblem}); see ${this.logPath}`);
  }

  /** Waits until the log contains `text`. Rejects if the process exits or `timeoutMs` passes. */
  async waitForLogLine(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.throwIfExited();
      if (readFileSync(this.logPath, 'utf8').includes(text)) {
        return;
      }
      await sleep(200);
    }
    throw new Error(`${this.name} did not log '${text}' within ${timeoutMs} ms; see ${this.logPath}`);
  }

  async startCpuProfile(): Promise<void> {
    await this.sendProfilerCommand({ command: 'start' });
  }

  /** Stops the running CPU profile and writes it to `path`. */
  async writeCpuProfile(path: string): Promise<void> {
    await this.sendProfilerCommand({ command: 'stop', path });
  }

  /** Sends SIGTERM, and SIGKILL when the process has not exited after GRACEFUL_STOP_MS. */
  async stop(): Promise<ExitInfo> {
    if (this.exitInfo !== null) {
      return this.exitInfo;
    }
    this.child.kill('SIGTERM');
    const graceful = await Promise.race([this.exited, sleep(GRACEFUL_STOP_MS).then(() => null)]);
    if (graceful !== null) {
      return graceful;
    }
    process.stderr.write(`[bench] ${this.name} (pid ${this.pid}) did not stop within ${GRACEFUL_STOP_MS} ms of SIGTERM, so it gets SIGKILL\n`);
    this.child.kill('SIGKILL');
    const killed = await Promise.race([this.exited, sleep(5000).then(() => null)]);
    return killed ?? { code: null, signal: null };
  }

  private throwIfExited(): void {
    if (this.exitInfo !== null) {
      throw new Error(
        `${this.name} exited during start-up (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}); see ${this.logPath}`,
      );
    }
  }

  private sendProfilerCommand(command: ProfilerCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} did not respond to the profiler command '${command.command}' within ${PROFILER_REPLY_TIMEOUT_MS} ms`));
      }, PROFILER_REPLY_TIMEOUT_MS);
      const onMessage = (reply: ProfilerReply) => {
        cleanup();
        if (reply.reply === 'failed') {
          reject(new Error(`${this.name} failed the profiler command '${command.command}': ${reply.message}`));
        } else {
          resolve();
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
      };
      this.child.on('message', onMessage);
      this.child.send(command, (error) => {
        if (error) {
          cleanup();
          reject(new Error(`Failed to send the profiler command '${command.command}' to ${this.name}: ${error.message}`));
        }
      });
    });
  }
}
