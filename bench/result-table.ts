import type { BenchResult } from './bench-result.ts';
import type { LoadResult } from './http-load.ts';

/** Formats the result as plain-text tables for stdout. */
export function formatResultTables(result: BenchResult): string {
  const { machine, deployment } = result;
  const stores = deployment.stores === null ? 'stores unknown' : `${deployment.stores.database} + ${deployment.stores.liveStore}`;
  const sections: string[] = [
    `Wayline benchmark: ${deployment.kind} (${stores}), ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}` +
      `\nCPU use by other programs before the start: ${fixed(result.machineBusyBeforePercent, 0)}% of all cores` +
      (result.status === 'failed' ? `\nRUN FAILED: ${result.error}` : ''),
  ];

  const ingestion = result.ingestion;
  if (ingestion !== null) {
    const send = ingestion.send;
    sections.push(
      table(
        ['ingestion', 'value'],
        [
          ['events sent (customers x events each)', `${integer(send.events)} (${integer(ingestion.customers)} x ${ingestion.eventsPerCustomer})`],
          ['batch size, connections, event order', `${ingestion.batchSize}, ${ingestion.concurrency}, ${ingestion.eventOrder}`],
          ['events accepted, failed batches', `${integer(send.accepted)}, ${send.failedBatches}`],
          ['accepted events/s', integer(ingestion.acceptedEventsPerSecond)],
          ['batch latency p50 / p99 ms', `${fixed(send.batchLatency.p50Ms)} / ${fixed(send.batchLatency.p99Ms)}`],
          ['scoring finished after the last batch, s', fixed(ingestion.scoringTailSeconds)],
          ['ingested and scored events/s (end to end)', integer(ingestion.endToEndEventsPerSecond)],
          ['GET /health p50 / max ms while sending', `${fixed(ingestion.healthWhileSending.latency.p50Ms)} / ${fixed(ingestion.healthWhileSending.latency.maxMs)}`],
          ['GET /health p50 / max ms while scoring', `${fixed(ingestion.healthWhileScoring.latency.p50Ms)} / ${fixed(ingestion.healthWhileScoring.latency.maxMs)}`],
          ['scoring status polls, connection resets retried', `${integer(ingestion.statusRequests)}, ${ingestion.connectionResetsRetried}`],
        ],
        [false, true],
      ) +
        `\nCPU ms per event while sending: ${formatCpuCost(ingestion.cpuMillisecondsPerEventWhileSending)}` +
        `\nCPU ms per event, scoring wait included: ${formatCpuCost(ingestion.cpuMillisecondsPerEvent)}`,
    );
  }

  const offers = result.nextBestOffer;
  if (offers !== null) {
    const row = (endpoint: string, mode: string, run: LoadResult) => [
      endpoint,
      mode,
      integer(run.requests),
      integer(run.throughputPerSecond),
      fixed(run.latency.p50Ms),
      fixed(run.latency.p90Ms),
      fixed(run.latency.p99Ms),
      fixed(run.latency.maxMs),
      String(run.errors),
    ];
    const half = offers.nextBestOfferAtHalfPeak;
    sections.push(
      `next-best-offer catalog: ${integer(offers.customers)} customers, ${offers.campaigns} campaigns, ${offers.offers} offers; ` +
        `set-up took ${fixed(offers.setupSeconds)} s\n` +
        table(
        ['endpoint', 'load', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'],
        [
          row('next-best-offer', `${offers.concurrency} connections`, offers.nextBestOfferPeak),
          row('health', `${offers.concurrency} connections`, offers.healthPeak),
          row('next-best-offer', `fixed ${integer(half.targetRatePerSecond)}/s, warm-up`, offers.nextBestOfferHalfPeakWarmUp),
          row('next-best-offer', `fixed ${integer(half.targetRatePerSecond)}/s`, half),
        ],
        [false, false, true, true, true, true, true, true, true],
      ) +
        `\nnext-best-offer / health throughput: ${offers.throughputRatio.toFixed(3)}; ` +
        `decisions recorded: ${integer(offers.decisionsRecorded)}; webhook deliveries received: ${integer(offers.webhookDeliveries)}` +
        `\nCPU ms per next-best-offer request: ${formatCpuCost(offers.cpuMillisecondsPerDecision)}` +
        `\nCPU ms per health request: ${formatCpuCost(offers.cpuMillisecondsPerHealthRequest)}`,
    );
  }

  const delivery = result.delivery;
  if (delivery !== null) {
    sections.push(
      table(
        ['delivery', 'value'],
        [
          ['messages, worker processes', `${integer(delivery.messages)}, ${delivery.workers}`],
          ['sent, webhook requests received', `${integer(delivery.sent)}, ${integer(delivery.webhookDeliveries)}`],
          ['seconds until the last was sent', fixed(delivery.seconds)],
          ['messages/s', integer(delivery.messagesPerSecond)],
        ],
        [false, true],
      ) + `\nCPU ms per message: ${formatCpuCost(delivery.cpuMillisecondsPerMessage)}`,
    );
  }

  const usageRows: string[][] = [];
  for (const usage of [...(ingestion?.usage ?? []), ...(offers?.usage ?? []), ...(delivery?.usage ?? [])]) {
    for (const waylineProcess of usage.processes) {
      usageRows.push([usage.phase, waylineProcess.name, fixed(waylineProcess.peakRssMiB, 0), fixed(waylineProcess.cpuPercentOfOneCore, 0)]);
    }
    const servers = usage.serverCpuPercentOfOneCore;
    if (servers !== null) {
      for (const [name, percent] of Object.entries(servers)) {
        usageRows.push([usage.phase, name, '', fixed(percent, 0)]);
      }
    }
    usageRows.push([usage.phase, 'load generator', '', fixed(usage.benchCpuPercentOfOneCore, 0)]);
    usageRows.push([usage.phase, 'other programs', '', fixed(usage.otherCpuPercentOfOneCore, 0)]);
    usageRows.push([usage.phase, `machine, ${result.machine.cpus} cores`, '', `${fixed(usage.machineCpuPercent, 0)} of all`]);
  }
  if (usageRows.length > 0) {
    sections.push(table(['phase', 'process', 'peak RSS MiB', 'CPU % of 1 core'], usageRows, [false, false, true, true]));
  }

  const databaseRows: string[][] = [];
  for (const usage of [...(ingestion?.usage ?? []), ...(offers?.usage ?? []), ...(delivery?.usage ?? [])]) {
    if (usage.database !== null) {
      const activity = usage.database;
      databaseRows.push([
        usage.phase,
        integer(activity.transactions),
        integer(activity.rowsInserted),
        integer(activity.rowsUpdated),
        integer(activity.rowsFetched),
        integer(activity.rowsReturned),
      ]);
    }
  }
  if (databaseRows.length > 0) {
    sections.push(
      table(
        ['phase (pg_stat_database; work near a boundary may shift between phases)', 'transactions', 'inserted', 'updated', 'fetched', 'returned'],
        databaseRows,
        [false, true, true, true, true, true],
      ),
    );
  }

  if (result.targets.length > 0) {
    sections.push(
      table(
        ['target', 'set for', 'measured', 'met'],
        result.targets.map((check) => [
          check.target,
          check.setFor,
          check.measured === null ? 'n/a' : `${check.unit === 'ratio' ? check.measured.toFixed(3) : fixed(check.measured)} ${check.unit}`,
          formatMet(check.met),
        ]),
        [false, false, true, false],
      ),
    );
  }

  for (const profile of result.cpuProfiles) {
    const lines = [
      `CPU profile ${profile.file}: ${profile.durationSeconds.toFixed(1)} s, ${integer(profile.samples)} samples, ${fixed(profile.idlePercent)}% idle`,
      ...profile.categories.slice(0, 12).map((category) => `  ${category.name.padEnd(40)} self ${fixed(category.selfPercent).padStart(5)}%  total ${fixed(category.totalPercent).padStart(5)}%`),
      '  top functions by self time:',
      ...profile.topFunctions.slice(0, 10).map((entry) => `  ${fixed(entry.selfPercent).padStart(5)}%  ${entry.name}`),
    ];
    sections.push(lines.join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}

function formatMet(met: boolean | null): string {
  if (met === null) {
    return 'n/a';
  }
  return met ? 'yes' : 'no';
}

function formatCpuCost(costs: Record<string, number>): string {
  return Object.entries(costs)
    .map(([name, milliseconds]) => `${name} ${milliseconds.toFixed(milliseconds < 1 ? 3 : 2)}`)
    .join(', ');
}

function table(headers: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: string[]) =>
    cells.map((cell, column) => (alignRight[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [format(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

function integer(value: number | null): string {
  return value === null || Number.isNaN(value) ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

function fixed(value: number | null, digits = 1): string {
  return value === null || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}
