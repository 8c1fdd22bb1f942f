// Uplift panels: uplift per campaign with 95% interval bars, the selected campaign's arms
// and its uplift per offer (or segment, stage, emotion), and its cumulative uplift per day.
import { getCumulativeUplift, getUpliftBreakdown, getUpliftReport } from './api-client.js';
import { byId, clear, drawChart, element, fillTable, setPanelState } from './dom.js';
import { formatCount, formatPValue, formatRate, formatUplift } from './format.js';

const INTERVAL_COLOUR = 'rgba(47, 111, 176, 0.35)';
const INTERVAL_BORDER = '#2f6fb0';
const ESTIMATE_COLOUR = '#1f2933';

/**
 * One campaign's row: its uplift report, or the error that the API returned for it.
 * @typedef {{ key: string, name: string, active: boolean, report: any | null, error: string | null }} UpliftRow
 */

/**
 * Loads the uplift report of every campaign on one metric. A failed report becomes a row
 * with its error, so one bad campaign does not hide the others.
 * @returns {Promise<UpliftRow[]>}
 */
export async function loadUpliftRows(campaigns, metric) {
  // NOTE: one request per campaign, all at once. Fine for tens of campaigns, and slow to
  // load for hundreds, which would need a report over many campaigns in the API.
  return Promise.all(
    campaigns.map(async (campaign) => {
      const row = { key: campaign.key, name: campaign.name, active: campaign.active, report: null, error: null };
      try {
        row.report = await getUpliftReport(campaign.key, metric);
      } catch (error) {
        row.error = error instanceof Error ? error.message : String(error);
      }
      return row;
    }),
  );
}

/** Draws the interval bars and estimates of every campaign, and fills the table with the same numbers. */
export function renderUpliftPanel(rows, metric) {
  const panel = byId('uplift-panel');
  drawIntervalChart(byId('uplift-chart'), rows.map((row) => row.key), rows.map((row) => row.report?.uplift ?? null), metric);
  fillTable(
    byId('uplift-table').tBodies[0],
    rows.map((row) => {
      const name = row.active ? row.name : `${row.name} (inactive)`;
      if (row.report === null) {
        return [{ text: row.key }, { text: name }, { text: row.error ?? '' }];
      }
      return [{ text: row.key }, { text: name }, ...statisticsCells(row.report, metric)];
    }),
  );

  const failed = rows.filter((row) => row.error !== null).length;
  if (rows.length === 0) {
    setPanelState(panel, 'empty', 'No campaigns yet: create one with POST /v1/admin/campaigns.');
  } else if (failed > 0) {
    setPanelState(panel, 'ready', `${failed} of ${rows.length} uplift reports failed, and the table names the errors. Metric ${metric}.`);
  } else {
    setPanelState(panel, 'ready', `${rows.length} campaigns, metric ${metric}.`);
  }
}

/** Cells of arm sizes, uplift, interval and p-value of one report or breakdown group. */
function statisticsCells(report, metric) {
  const uplift = report.uplift;
  const lower = uplift.ci95?.[0] ?? null;
  const upper = uplift.ci95?.[1] ?? null;
  return [
    { text: formatCount(report.treatment.n), value: report.treatment.n },
    { text: formatCount(report.control.n), value: report.control.n },
    { text: formatUplift(uplift.absolute, metric), value: uplift.absolute },
    { text: formatUplift(lower, metric), value: lower },
    { text: formatUplift(upper, metric), value: upper },
    { text: formatPValue(uplift.pValue), value: uplift.pValue },
  ];
}

/**
 * Draws one floating bar per label from the lower to the upper 95% bound, and the estimate
 * as a diamond. A null entry draws nothing for its label.
 */
function drawIntervalChart(canvas, labels, upliftStatistics, metric) {
  drawChart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: '95% interval',
          data: upliftStatistics.map((uplift) => uplift?.ci95 ?? null),
          backgroundColor: INTERVAL_COLOUR,
          borderColor: INTERVAL_BORDER,
          borderWidth: 1,
          barPercentage: 0.35,
          order: 2,
        },
        {
          type: 'line',
          label: 'Uplift',
          data: upliftStatistics.map((uplift) => uplift?.absolute ?? null),
          showLine: false,
          pointStyle: 'rectRot',
          pointRadius: 7,
          pointHoverRadius: 8,
          backgroundColor: ESTIMATE_COLOUR,
          borderColor: ESTIMATE_COLOUR,
          order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: {
          title: { display: true, text: metric === 'spend' ? 'Spend per customer' : 'Percentage points' },
          ticks: { callback: (value) => formatUplift(Number(value), metric) },
          grid: { color: (context) => (context.tick?.value === 0 ? '#52606d' : '#e4e7eb') },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (context) => {
              const raw = context.raw;
              if (Array.isArray(raw)) {
                return `95% interval: ${formatUplift(raw[0], metric)} to ${formatUplift(raw[1], metric)}`;
              }
              return `Uplift: ${formatUplift(raw, metric)}`;
            },
          },
        },
      },
    },
  });
}

/**
 * Fills the arms table and notes of the selected campaign, then loads and draws its
 * uplift per group of `by`.
 * @param {UpliftRow | undefined} row
 */
export async function renderCampaignPanel(row, metric, by) {
  const panel = byId('campaign-panel');
  const armsBody = byId('campaign-detail-table').tBodies[0];
  const notes = byId('campaign-notes');
  const breakdownBody = byId('breakdown-table').tBodies[0];
  const canvas = byId('breakdown-chart');
  clear(notes);
  if (row === undefined || row.report === null) {
    fillTable(armsBody, []);
    fillTable(breakdownBody, []);
    drawIntervalChart(canvas, [], [], metric);
    setPanelState(panel, row === undefined ? 'empty' : 'error', row === undefined ? 'No campaign selected.' : (row.error ?? ''));
    return;
  }

  const arm = (label, values) => [
    { text: label },
    { text: formatCount(values.n), value: values.n },
    { text: metric === 'spend' ? values.conversions.toFixed(2) : formatCount(values.conversions), value: values.conversions },
    { text: formatRate(values.rate, metric), value: values.rate },
  ];
  fillTable(armsBody, [arm('Treatment', row.report.treatment), arm(`Holdout (${row.report.holdoutGroup})`, row.report.control)]);
  for (const note of row.report.notes) {
    notes.append(element('li', { text: note }));
  }

  setPanelState(panel, 'loading', `Loading the uplift of ${row.key} by ${by}…`);
  const breakdown = await getUpliftBreakdown(row.key, metric, by);
  drawIntervalChart(canvas, breakdown.groups.map((group) => group.value), breakdown.groups.map((group) => group.uplift), metric);
  fillTable(breakdownBody, breakdown.groups.map((group) => [{ text: group.value }, ...statisticsCells(group, metric)]));
  panel.dataset.campaign = row.key;
  panel.dataset.by = by;
  panel.dataset.metric = metric;
  const groups = breakdown.groups.length === 1 ? '1 group' : `${breakdown.groups.length} groups`;
  setPanelState(panel, 'ready', `Campaign ${row.key}, metric ${metric}, ${groups} by ${by}.`);
}

/** Loads and draws the cumulative uplift of one campaign per UTC day. */
export async function renderCumulativePanel(campaign, metric) {
  const panel = byId('cumulative-panel');
  const table = byId('cumulative-table').tBodies[0];
  const canvas = byId('cumulative-chart');
  if (campaign === undefined) {
    fillTable(table, []);
    drawCumulativeChart(canvas, [], metric);
    setPanelState(panel, 'empty', 'No campaign selected.');
    return;
  }

  setPanelState(panel, 'loading', `Loading the cumulative uplift of ${campaign}…`);
  const report = await getCumulativeUplift(campaign, metric);
  const points = report.points;
  drawCumulativeChart(canvas, points, metric);
  const bound = (interval, index) => interval?.[index] ?? null;
  fillTable(
    table,
    points.map((point) => [
      { text: point.date },
      { text: formatCount(point.treatment.n), value: point.treatment.n },
      { text: formatCount(point.control.n), value: point.control.n },
      { text: formatUplift(point.absolute, metric), value: point.absolute },
      { text: formatUplift(bound(point.ci95, 0), metric), value: bound(point.ci95, 0) },
      { text: formatUplift(bound(point.ci95, 1), metric), value: bound(point.ci95, 1) },
      { text: formatUplift(bound(point.sequentialCi95, 0), metric), value: bound(point.sequentialCi95, 0) },
      { text: formatUplift(bound(point.sequentialCi95, 1), metric), value: bound(point.sequentialCi95, 1) },
    ]),
  );
  panel.dataset.campaign = campaign;
  panel.dataset.metric = metric;
  const message = points.length === 0 ? `No decisions in ${campaign} yet.` : `Campaign ${campaign}, metric ${metric}, ${points.length === 1 ? '1 day' : `${points.length} days`}.`;
  setPanelState(panel, points.length === 0 ? 'empty' : 'ready', message);
}

function drawCumulativeChart(canvas, points, metric) {
  const line = (label, values, style) => ({ label, data: values, pointRadius: 0, borderWidth: 1, fill: false, ...style });
  drawChart(canvas, {
    type: 'line',
    data: {
      labels: points.map((point) => point.date),
      datasets: [
        line('Always-valid lower', points.map((point) => point.sequentialCi95?.[0] ?? null), { borderColor: INTERVAL_BORDER }),
        // Fills down to the previous dataset, which shades the always-valid band.
        line('Always-valid upper', points.map((point) => point.sequentialCi95?.[1] ?? null), {
          borderColor: INTERVAL_BORDER,
          backgroundColor: INTERVAL_COLOUR,
          fill: '-1',
        }),
        line('95% lower', points.map((point) => point.ci95?.[0] ?? null), { borderColor: '#7b8794', borderDash: [4, 4] }),
        line('95% upper', points.map((point) => point.ci95?.[1] ?? null), { borderColor: '#7b8794', borderDash: [4, 4] }),
        line('Uplift', points.map((point) => point.absolute), {
          borderColor: ESTIMATE_COLOUR,
          backgroundColor: ESTIMATE_COLOUR,
          borderWidth: 2,
          pointRadius: 2,
        }),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { ticks: { callback: (value) => formatUplift(Number(value), metric) } } },
    },
  });
}
