import type { PhaseUsage } from './process-sampler.ts';

/**
 * CPU time each process spent per unit of work (an event, a request) over the given
 * phases, in milliseconds, keyed by process name, with the PostgreSQL and Redis groups of
 * PhaseUsage.serverCpuPercentOfOneCore when they were measured. Unlike throughput,
 * this changes less when other programs compete for the cores, so it is the figure to
 * compare between runs on a busy machine.
 */
export function cpuMillisecondsPerUnit(usages: PhaseUsage[], units: number): Record<string, number> {
  const seconds = new Map<string, number>();
  const add = (name: string, value: number) => seconds.set(name, (seconds.get(name) ?? 0) + value);
  for (const usage of usages) {
    for (const waylineProcess of usage.processes) {
      add(waylineProcess.name, waylineProcess.cpuSeconds ?? 0);
    }
    for (const [name, percent] of Object.entries(usage.serverCpuPercentOfOneCore ?? {})) {
      add(name, (percent / 100) * usage.wallSeconds);
    }
  }
  if (units <= 0) {
    return {};
  }
  return Object.fromEntries([...seconds].map(([name, value]) => [name, (1000 * value) / units]));
}
