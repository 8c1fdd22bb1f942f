import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { CpuProfileSummary } from './cpu-profile-summary.ts';
import type { BenchOptions } from './options.ts';
import type { DeliveryResult } from './scenarios/delivery.scenario.ts';
import type { IngestionResult } from './scenarios/ingestion.scenario.ts';
import type { NextBestOfferResult } from './scenarios/next-best-offer.scenario.ts';
import type { DeploymentKind } from './wayline-deployment.ts';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryTotalGiB: number;
  node: string;
  kernel: string;
}

/** A performance goal set for Wayline, and this run's figure for it. */
export interface TargetCheck {
  target: string;
  /** The store kind the goal is set for. Runs on the other kind record the check too, for comparison. */
  setFor: DeploymentKind | 'any';
  measured: number | null;
  unit: string;
  met: boolean | null;
}

/** Everything one run wrote to the JSON result file. */
export interface BenchResult {
  status: 'completed' | 'failed';
  error: string | null;
  startedAt: string;
  finishedAt: string;
  arguments: string[];
  machine: MachineInfo;
  /** Busy share of all cores in the 2 s before the Wayline processes started, in percent: load from other programs. */
  machineBusyBeforePercent: number | null;
  options: BenchOptions;
  deployment: {
    kind: DeploymentKind;
    /** As `/health` reported them. */
    stores: { database: string; liveStore: string } | null;
    processes: Array<{ name: string; pid: number; logPath: string }>;
    /** WAYLINE_* variables the processes inherited from the benchmark's environment. */
    waylineEnvironment: Record<string, string>;
  };
  ingestion: IngestionResult | null;
  nextBestOffer: NextBestOfferResult | null;
  /** Null when the scenario did not run, or ran on the embedded stores, where it is skipped. */
  delivery: DeliveryResult | null;
  /** Highest VmRSS of each Wayline process over the whole run, in MiB. */
  peakRssMiB: Record<string, number>;
  targets: TargetCheck[];
  cpuProfiles: CpuProfileSummary[];
}

export function describeMachine(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((candidate) => candidate.startsWith('model name'));
    cpuModel = line?.split(':')[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() has the model too.
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryTotalGiB: totalmem() / 1024 ** 3,
    node: process.version,
    kernel: release(),
  };
}

/** Ingestion goal, in events per second. */
export const INGESTION_TARGET_EVENTS_PER_SECOND = 10_000;
/** next-best-offer throughput over bare health throughput. */
export const THROUGHPUT_RATIO_TARGET = 0.5;
/** next-best-offer p99 at half its peak rate, in milliseconds. */
export const HALF_PEAK_P99_TARGET_MS = 10;

export function checkTargets(ingestion: IngestionResult | null, nextBestOffer: NextBestOfferResult | null): TargetCheck[] {
  const atLeast = (measured: number | null | undefined, goal: number) => (measured == null ? null : measured >= goal);
  const checks: TargetCheck[] = [];
  if (ingestion !== null) {
    checks.push(
      {
        target: `events accepted by POST /v1/events >= ${INGESTION_TARGET_EVENTS_PER_SECOND} per second`,
        setFor: 'servers',
        measured: ingestion.acceptedEventsPerSecond,
        unit: 'events/s',
        met: atLeast(ingestion.acceptedEventsPerSecond, INGESTION_TARGET_EVENTS_PER_SECOND),
      },
      {
        target: `events ingested and scored >= ${INGESTION_TARGET_EVENTS_PER_SECOND} per second`,
        setFor: 'servers',
        measured: ingestion.endToEndEventsPerSecond,
        unit: 'events/s',
        met: atLeast(ingestion.endToEndEventsPerSecond, INGESTION_TARGET_EVENTS_PER_SECOND),
      },
    );
  }
  if (nextBestOffer !== null) {
    const p99 = nextBestOffer.nextBestOfferAtHalfPeak.latency.p99Ms;
    checks.push(
      {
        target: `next-best-offer throughput >= ${THROUGHPUT_RATIO_TARGET} x GET /health throughput`,
        setFor: 'any',
        measured: nextBestOffer.throughputRatio,
        unit: 'ratio',
        met: atLeast(nextBestOffer.throughputRatio, THROUGHPUT_RATIO_TARGET),
      },
      {
        target: `next-best-offer p99 < ${HALF_PEAK_P99_TARGET_MS} ms at half its peak rate`,
        setFor: 'any',
        measured: Number.isNaN(p99) ? null : p99,
        unit: 'ms',
        met: Number.isNaN(p99) ? null : p99 < HALF_PEAK_P99_TARGET_MS,
      },
    );
  }
  return checks;
}
