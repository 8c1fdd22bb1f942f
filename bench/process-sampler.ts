import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Memory and CPU of one process over one phase of the run. */
export interface ProcessUsage {
  name: string;
  pid: number;
  /** Highest VmRSS among the samples taken in the phase, in MiB. */
  peakRssMiB: number | null;
  lastRssMiB: number | null;
  /** User plus system CPU time spent in the phase, in seconds. */
  cpuSeconds: number | null;
  /** cpuSeconds over the phase's wall time: 100 is one core fully busy. */
  cpuPercentOfOneCore: number | null;
}

export interface PhaseUsage {
  phase: string;
  wallSeconds: number;
  processes: ProcessUsage[];
  /** Busy share of all the machine's cores over the phase, from /proc/stat, in percent. */
  machineCpuPercent: number | null;
  /** The load generator's own CPU over the phase, in percent of one core. */
  benchCpuPercentOfOneCore: number;
  /**
   * CPU of every process of the machine named `postgres` or `redis-server`, in percent of one
   * core, whichever client caused it. Backends that exit during the phase are missed.
   */
  serverCpuPercentOfOneCore: Record<string, number> | null;
}

interface TrackedProcess {
  name: string;
  pid: number;
  peakRssKiB: number | null;
  lastRssKiB: number | null;
  phaseStartTicks: number | null;
}

interface OpenPhase {
  name: string;
  startMs: number;
  machine: { busy: number; total: number } | null;
  benchCpu: NodeJS.CpuUsage;
  serverTicks: Map<string, number> | null;
}

const SERVER_PROCESS_NAMES = ['postgres', 'redis-server'];

/**
 * Samples VmRSS of the Wayline processes from /proc/PID/status every `intervalMs`, and
 * their CPU ticks from /proc/PID/stat at the start and end of each phase. Linux only:
 * elsewhere the figures are null.
 */
export class ProcessSampler {
  private readonly tracked: TrackedProcess[] = [];
  private readonly clockTicksPerSecond = readClockTicksPerSecond();
  private timer: NodeJS.Timeout | undefined;
  private phase: OpenPhase | undefined;
  /** Highest VmRSS of each process over the whole run, in KiB. */
  readonly runPeakRssKiB = new Map<string, number>();

  constructor(
    private readonly intervalMs = 250,
    private readonly measureServers = false,
  ) {}

  track(name: string, pid: number): void {
    this.tracked.push({ name, pid, peakRssKiB: null, lastRssKiB: null, phaseStartTicks: readCpuTicks(pid) });
    this.sample();
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  beginPhase(name: string): void {
    this.sample();
    for (const tracked of this.tracked) {
      tracked.peakRssKiB = tracked.lastRssKiB;
      tracked.phaseStartTicks = readCpuTicks(tracked.pid);
    }
    this.phase = {
      name,
      startMs: Date.now(),
      machine: readMachineTicks(),
      benchCpu: process.cpuUsage(),
      serverTicks: this.measureServers ? readServerTicks() : null,
    };
  }

  endPhase(): PhaseUsage {
    const phase = this.phase;
    if (phase === undefined) {
      throw new Error('endPhase() was called without beginPhase()');
    }
    this.phase = undefined;
    this.sample();
    const wallSeconds = (Date.now() - phase.startMs) / 1000;
    const toPercent = (cpuSeconds: number) => (wallSeconds > 0 ? (100 * cpuSeconds) / wallSeconds : 0);

    const processes = this.tracked.map((tracked): ProcessUsage => {
      const endTicks = readCpuTicks(tracked.pid);
      const cpuSeconds =
        endTicks === null || tracked.phaseStartTicks === null ? null : (endTicks - tracked.phaseStartTicks) / this.clockTicksPerSecond;
      return {
        name: tracked.name,
        pid: tracked.pid,
        peakRssMiB: toMiB(tracked.peakRssKiB),
        lastRssMiB: toMiB(tracked.lastRssKiB),
        cpuSeconds,
        cpuPercentOfOneCore: cpuSeconds === null ? null : toPercent(cpuSeconds),
      };
    });

    const machineEnd = readMachineTicks();
    const machineCpuPercent =
      machineEnd === null || phase.machine === null || machineEnd.total === phase.machine.total
        ? null
        : (100 * (machineEnd.busy - phase.machine.busy)) / (machineEnd.total - phase.machine.total);
    const bench = process.cpuUsage(phase.benchCpu);

    let serverCpuPercentOfOneCore: Record<string, number> | null = null;
    if (phase.serverTicks !== null) {
      const endTicks = readServerTicks();
      serverCpuPercentOfOneCore = {};
      for (const name of SERVER_PROCESS_NAMES) {
        let ticks = 0;
        for (const [key, value] of endTicks) {
          if (key.startsWith(`${name}/`)) {
            ticks += value - (phase.serverTicks.get(key) ?? 0);
          }
        }
        serverCpuPercentOfOneCore[name] = toPercent(ticks / this.clockTicksPerSecond);
      }
    }

    return {
      phase: phase.name,
      wallSeconds,
      processes,
      machineCpuPercent,
      benchCpuPercentOfOneCore: toPercent((bench.user + bench.system) / 1e6),
      serverCpuPercentOfOneCore,
    };
  }

  private sample(): void {
    for (const tracked of this.tracked) {
      const rssKiB = readRssKiB(tracked.pid);
      if (rssKiB === null) {
        continue;
      }
      tracked.lastRssKiB = rssKiB;
      tracked.peakRssKiB = Math.max(tracked.peakRssKiB ?? 0, rssKiB);
      this.runPeakRssKiB.set(tracked.name, Math.max(this.runPeakRssKiB.get(tracked.name) ?? 0, rssKiB));
    }
  }
}

function toMiB(kib: number | null): number | null {
  return kib === null ? null : kib / 1024;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process has exited, or this is not Linux.
    return null;
  }
}

/** VmRSS of the process in KiB, or null when it cannot be read. */
export function readRssKiB(pid: number): number | null {
  const status = readText(`/proc/${pid}/status`);
  const match = status === null ? null : /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? null : Number(match[1]);
}

/** utime plus stime of the process, in clock ticks. */
function readCpuTicks(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses, so fields are counted
  // from the last ')'. utime and stime are fields 14 and 15 of proc(5).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function readMachineTicks(): { busy: number; total: number } | null {
  const stat = readText('/proc/stat');
  const line = stat?.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (line === undefined) {
    return null;
  }
  // user nice system idle iowait irq softirq steal; guest time is already inside user.
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = values[3]! + values[4]!;
  return { busy: total - idle, total };
}

/** CPU ticks of every postgres and redis-server process, keyed by `name/pid`. */
function readServerTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const name = readText(`/proc/${entry}/comm`)?.trim();
    if (name === undefined || !SERVER_PROCESS_NAMES.includes(name)) {
      continue;
    }
    const value = readCpuTicks(Number(entry));
    if (value !== null) {
      ticks.set(`${name}/${entry}`, value);
    }
  }
  return ticks;
}

function readClockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
  } catch {
    // NOTE: 100 is the USER_HZ of Linux on x86-64 and arm64; getconf is only missing on unusual systems.
    return 100;
  }
}
