// Journey panels: the journey map as a bubble heat map, the ranked pain points and the
// top paths of one journey.
import { getJourneyMap, getPainPoints, getPaths } from './api-client.js';
import { byId, drawChart, fillTable, setPanelState } from './dom.js';
import { formatCount, formatDecimal, formatIntervalPoints, formatPercent } from './format.js';

/** Colours of valence −1, 0 and +1. Values in between are mixed linearly. */
const NEGATIVE_RGB = [192, 57, 43];
const NEUTRAL_RGB = [230, 179, 51];
const POSITIVE_RGB = [30, 132, 73];
const NO_VALENCE_COLOUR = 'rgba(154, 165, 177, 0.75)';

/** Bubble radii in pixels: the smallest non-empty cell and the cell with the most events. */
const MIN_RADIUS = 4;
const MAX_RADIUS = 22;

/** Returns the bubble colour of a mean valence in [−1, 1], grey when it is null. */
export function valenceColour(valence) {
  if (valence === null || valence === undefined) {
    return NO_VALENCE_COLOUR;
  }
  const clamped = Math.max(-1, Math.min(1, valence));
  const [from, to, weight] = clamped < 0 ? [NEUTRAL_RGB, NEGATIVE_RGB, -clamped] : [NEUTRAL_RGB, POSITIVE_RGB, clamped];
  const channel = (index) => Math.round(from[index] + (to[index] - from[index]) * weight);
  return `rgba(${channel(0)}, ${channel(1)}, ${channel(2)}, 0.8)`;
}

/**
 * Turns the map's stages into bubble points: x is the touchpoint's column, y the stage's
 * row, and the area grows with the number of events. Cells without events get no bubble.
 */
export function toHeatMapPoints(map) {
  const touchpoints = [];
  for (const stage of map.stages) {
    for (const cell of stage.touchpoints) {
      if (!touchpoints.includes(cell.touchpoint)) {
        touchpoints.push(cell.touchpoint);
      }
    }
  }
  const maxEvents = Math.max(1, ...map.stages.flatMap((stage) => stage.touchpoints.map((cell) => cell.events)));
  const points = map.stages.flatMap((stage, stageIndex) =>
    stage.touchpoints
      .filter((cell) => cell.events > 0)
      .map((cell) => ({
        x: touchpoints.indexOf(cell.touchpoint),
        y: stageIndex,
        r: MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(cell.events / maxEvents),
        stage: stage.key,
        touchpoint: cell.touchpoint,
        events: cell.events,
        customers: cell.customers,
        meanValence: cell.meanValence,
      })),
  );
  return { touchpoints, stages: map.stages.map((stage) => stage.key), points };
}

/** True when the user picked another journey while a response was on its way. */
function isStale(journeyKey) {
  return byId('journey-select').value !== journeyKey;
}

/**
 * Builds one tick per label at 0, 1, 2, …. The axes run from −0.5 so that the outer bubbles fit,
 * and Chart.js would otherwise place its ticks at −0.5, 0.5, ….
 */
function positionTicks(labels) {
  return labels.map((_, index) => ({ value: index }));
}

/** Returns the label at an integer axis position, and nothing between positions. */
function labelAt(labels, value) {
  return Number.isInteger(value) ? (labels[value] ?? '') : '';
}

function drawHeatMap(canvas, heatMap) {
  const { touchpoints, stages, points } = heatMap;
  drawChart(canvas, {
    type: 'bubble',
    data: {
      datasets: [
        {
          label: 'Events',
          data: points,
          backgroundColor: (context) => valenceColour(context.raw?.meanValence ?? null),
          borderColor: 'rgba(31, 41, 51, 0.6)',
          borderWidth: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: MAX_RADIUS },
      scales: {
        x: {
          type: 'linear',
          min: -0.5,
          max: Math.max(touchpoints.length - 0.5, 0.5),
          title: { display: true, text: 'Touchpoint' },
          afterBuildTicks: (axis) => void (axis.ticks = positionTicks(touchpoints)),
          ticks: { autoSkip: false, callback: (value) => labelAt(touchpoints, value) },
        },
        y: {
          type: 'linear',
          reverse: true,
          min: -0.5,
          max: Math.max(stages.length - 0.5, 0.5),
          title: { display: true, text: 'Stage' },
          afterBuildTicks: (axis) => void (axis.ticks = positionTicks(stages)),
          ticks: { autoSkip: false, callback: (value) => labelAt(stages, value) },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (context) => {
              const point = context.raw;
              return `${point.stage} × ${point.touchpoint}: ${formatCount(point.events)} events, ${formatCount(point.customers)} customers, valence ${formatDecimal(point.meanValence)}`;
            },
          },
        },
      },
    },
  });
}

/** Loads and draws the map of one journey. */
export async function renderJourneyMap(journeyKey) {
  const panel = byId('journey-panel');
  setPanelState(panel, 'loading', `Loading the map of ${journeyKey}…`);
  const map = await getJourneyMap(journeyKey);
  if (isStale(journeyKey)) {
    return;
  }
  drawHeatMap(byId('journey-map-chart'), toHeatMapPoints(map));
  fillTable(
    byId('journey-map-table').tBodies[0],
    map.stages.flatMap((stage) =>
      stage.touchpoints.map((cell) => [
        { text: stage.key },
        { text: cell.defined ? cell.touchpoint : `${cell.touchpoint} (not in the journey)` },
        { text: formatCount(cell.events), value: cell.events },
        { text: formatCount(cell.customers), value: cell.customers },
        { text: formatDecimal(cell.meanValence), value: cell.meanValence },
        { text: formatPercent(cell.negativeShare), value: cell.negativeShare },
        { text: formatDecimal(cell.waitSeconds.p50), value: cell.waitSeconds.p50 },
      ]),
    ),
  );
  const outside = map.otherStages.reduce((sum, other) => sum + other.events, 0);
  const message = `${formatCount(map.totals.events)} events of ${formatCount(map.totals.customers)} customers` +
    (outside > 0 ? `. ${formatCount(outside)} events sit in stages the journey does not define.` : '.');
  panel.dataset.journey = journeyKey;
  setPanelState(panel, map.totals.events === 0 ? 'empty' : 'ready', message);
}

/**
 * Loads and lists the ranked pain points of one journey.
 * @param {string} journeyKey
 * @param {string} minCustomers customers needed per group; empty for the API's default
 */
export async function renderPainPoints(journeyKey, minCustomers) {
  const panel = byId('pain-points-panel');
  setPanelState(panel, 'loading', `Loading the pain points of ${journeyKey}…`);
  const view = await getPainPoints(journeyKey, minCustomers);
  if (isStale(journeyKey)) {
    return;
  }
  fillTable(
    byId('pain-points-table').tBodies[0],
    view.ranked.map((row) => [
      { text: String(row.rank), value: row.rank },
      { text: row.touchpoint },
      { text: row.stage ?? '—' },
      { text: `${formatCount(row.bad.customers)} / ${formatCount(row.good.customers)}` },
      { text: formatGapPoints(row.conversionGap.difference), value: row.conversionGap.difference },
      { text: formatIntervalPoints(row.conversionGap.interval95) },
      { text: formatGapPoints(row.churnGap.difference), value: row.churnGap.difference },
      { text: row.momentOfTruth ? 'yes' : 'no' },
    ]),
  );
  const message = `${view.ranked.length} ranked. ${view.insufficientData.length} touchpoints have fewer than ` +
    `${view.minCustomers} customers with a bad or a good experience.`;
  panel.dataset.journey = journeyKey;
  setPanelState(panel, view.ranked.length === 0 ? 'empty' : 'ready', message);
}

/** Formats a difference of two rates in percentage points. */
function formatGapPoints(difference) {
  return difference === null ? '—' : `${(difference * 100).toFixed(1)} pp`;
}

/** Loads and lists the most common stage sequences of one journey. */
export async function renderPaths(journeyKey) {
  const panel = byId('paths-panel');
  setPanelState(panel, 'loading', `Loading the paths of ${journeyKey}…`);
  const view = await getPaths(journeyKey);
  if (isStale(journeyKey)) {
    return;
  }
  fillTable(
    byId('paths-table').tBodies[0],
    view.paths.map((path, index) => [
      { text: String(index + 1) },
      { text: path.stages.join(' → ') },
      { text: formatCount(path.customers), value: path.customers },
      { text: formatPercent(path.share), value: path.share },
      { text: formatCount(path.converted), value: path.converted },
      { text: formatPercent(path.conversionRate), value: path.conversionRate },
    ]),
  );
  const message = `${formatCount(view.distinctPaths)} distinct paths among ${formatCount(view.customers)} customers.`;
  panel.dataset.journey = journeyKey;
  setPanelState(panel, view.paths.length === 0 ? 'empty' : 'ready', message);
}
