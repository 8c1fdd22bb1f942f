import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { subtractCounters, type DatabaseActivity, type DatabaseActivityReader, type DatabaseCounters } from './database-activity.ts';

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
   * CPU of the servers in percent of one core, measured on the servers run only. `postgres
   * (benchmark database)` is the backends connected to the benchmark's database. `postgres
   * (background)` is the postmaster, WAL writer, checkpointer and autovacuum, which also
   * work for other databases. `redis-server (all)` counts every client's commands.
   * Backends that exit during the phase are missed.
   */
  serverCpuPercentOfOneCore: Record<string, number> | null;
  /**
   * Machine CPU that none of the above used, in percent of one core: other programs,
   * the kernel, or postgres backends that exited. High values mean the figures are skewed.
   */
  otherCpuPercentOfOneCore: number | null;
  /** Work of the benchmark's PostgreSQL database in the phase, or null on the embedded stores. */
  database: DatabaseActivity | null;
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
  serverTicks: Map<number, ServerProcessTicks> | null;
  databaseCounters: DatabaseCounters | null;
}

interface ServerProcessTicks {
  group: string;
  ticks: number;
}

const POSTGRES_BACKGROUND_TITLE = /: (checkpointer|background writer|walwriter|autovacuum|logical replication|archiver|stats collector)/;

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
  private databaseReader: DatabaseActivityReader | null = null;
  /** Highest VmRSS of each process over the whole run, in KiB. */
  readonly runPeakRssKiB = new Map<string, number>();

  constructor(
    private readonly intervalMs = 250,
  ) {}

  track(name: string, pid: number): void {
    this.tracked.push({ name, pid, peakRssKiB: null, lastRssKiB: null, phaseStartTicks: readCpuTicks(pid) });
    this.sample();
  }

  /** Adds the database's work, and the CPU of the PostgreSQL and Redis processes, to every later phase. */
  attachDatabase(reader: DatabaseActivityReader): void {
    this.databaseReader = reader;
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async beginPhase(name: string): Promise<void> {
    const databaseCounters = this.databaseReader === null ? null : await this.databaseReader.read();
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
      serverTicks: this.databaseReader === null ? null : readServerTicks(this.databaseReader.databaseName),
      databaseCounters,
    };
  }

  async endPhase(): Promise<PhaseUsage> {
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
    if (phase.serverTicks !== null && this.databaseReader !== null) {
      const ticksByGroup = new Map<string, number>();
      for (const [pid, end] of readServerTicks(this.databaseReader.databaseName)) {
        const spent = end.ticks - (phase.serverTicks.get(pid)?.ticks ?? 0);
        ticksByGroup.set(end.group, (ticksByGroup.get(end.group) ?? 0) + spent);
      }
      serverCpuPercentOfOneCore = Object.fromEntries(
        [...ticksByGroup].map(([group, ticks]) => [group, toPercent(ticks / this.clockTicksPerSecond)]),
      );
    }

    const benchCpuPercentOfOneCore = toPercent((bench.user + bench.system) / 1e6);
    const database =
      this.databaseReader === null || phase.databaseCounters === null
        ? null
        : subtractCounters(await this.databaseReader.read(), phase.databaseCounters);
    let otherCpuPercentOfOneCore: number | null = null;
    if (machineCpuPercent !== null) {
      const accounted =
        processes.reduce((sum, usage) => sum + (usage.cpuPercentOfOneCore ?? 0), 0) +
        benchCpuPercentOfOneCore +
        Object.values(serverCpuPercentOfOneCore ?? {}).reduce((sum, percent) => sum + percent, 0);
      otherCpuPercentOfOneCore = Math.max(0, machineCpuPercent * cpus().length - accounted);
    }

    return {
      phase: phase.name,
      wallSeconds,
      processes,
      machineCpuPercent,
      benchCpuPercentOfOneCore,
      serverCpuPercentOfOneCore,
      otherCpuPercentOfOneCore,
      database,
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

/** Measures the busy share of all cores over the next `durationMs`, in percent, or null when /proc/stat cannot be read. */
export async function measureMachineBusyPercent(durationMs: number): Promise<number | null> {
  const start = readMachineTicks();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const end = readMachineTicks();
  if (start === null || end === null || end.total === start.total) {
    return null;
  }
  return (100 * (end.busy - start.busy)) / (end.total - start.total);
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
  // The fields are user, nice, system, idle, iowait, irq, softirq and steal. Guest time is already inside user.
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = values[3]! + values[4]!;
  return { busy: total - idle, total };
}

/**
 * CPU ticks of the PostgreSQL processes that work for `databaseName` or for every
 * database, and of redis-server, keyed by pid. PostgreSQL puts the database name in a
 * backend's process title, such as `postgres: 15/main: postgres wayline_bench_1a2b 127.0.0.1(5432) idle`.
 */
function readServerTicks(databaseName: string): Map<number, ServerProcessTicks> {
  const result = new Map<number, ServerProcessTicks>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return result;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const pid = Number(entry);
    const name = readText(`/proc/${entry}/comm`)?.trim();
    let group: string | null = null;
    if (name === 'redis-server') {
      group = 'redis-server (all)';
    } else if (name === 'postgres') {
      const title = (readText(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ');
      if (title.includes(` ${databaseName} `)) {
        group = 'postgres (benchmark database)';
      } else if (!title.startsWith('postgres:') || POSTGRES_BACKGROUND_TITLE.test(title)) {
        group = 'postgres (background)';
      }
    }
    const ticks = group === null ? null : readCpuTicks(pid);
    if (group !== null && ticks !== null) {
      result.set(pid, { group, ticks });
    }
  }
  return result;
}

function readClockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
  } catch {
    // NOTE: 100 is the USER_HZ of Linux on x86-64 and arm64, and getconf is only missing on unusual systems.
    return 100;
  }
}
